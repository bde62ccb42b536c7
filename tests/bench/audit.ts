/**
 * The embedded audit trail at its keep limits: how long `record` takes (two fsync'd appends, and now and
 * then a rewrite to the newest N), and how long the instance's and a room's views take to read, filter and
 * sort a full trail, with the longest pause of the event loop while they run (reads go a slice at a time).
 * The baseline, measured in the same run, is the same file parsed in one go: the pause a read would cause
 * if it did not yield.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openFileKv } from '../../server/access/file-kv';
import { DEFAULT_AUDIT_KEEP } from '../../server/people/audit-trail';
import { openEmbeddedAuditTrail } from '../../server/people/file-audit-lists';
import type { Section } from './report';
import { tempDir } from '../support/temp-dir';

const ROOMS = 4;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

/** Watches the event loop with a 2 ms timer; `stop` answers the longest gap between its turns. */
function pauses(): { stop: () => Promise<number> } {
	let last = performance.now();
	let longest = 0;
	const timer = setInterval(() => {
		const now = performance.now();
		longest = Math.max(longest, now - last);
		last = now;
	}, 2);
	return {
		async stop() {
			// One more turn, so a read that never yielded is counted.
			await new Promise((resolve) => setTimeout(resolve, 5));
			clearInterval(timer);
			return Math.max(longest, performance.now() - last);
		}
	};
}

export async function auditSection(options: { quick: boolean; log: (m: string) => void }): Promise<Section> {
	const tmp = await tempDir('bench-audit-');
	try {
		const kv = await openFileKv(tmp.dir);
		const trail = await openEmbeddedAuditTrail(tmp.dir, kv);
		// Past the instance's keep and a quarter, so the rewrites are in the figures.
		const count = options.quick ? 5_000 : Math.ceil(DEFAULT_AUDIT_KEEP.instance * 1.25);
		options.log(`audit: recording ${count} entries in ${ROOMS} rooms`);
		const actor = { id: 'p-0123456789', name: 'Ana Ruiz', kind: 'person' as const };
		const subject = { id: 'p-9876543210', name: 'Tom Berg', kind: 'person' as const };
		const times: number[] = [];
		for (let i = 0; i < count; i++) {
			const start = performance.now();
			await trail.record({
				action: 'role_changed',
				roomId: `room-${i % ROOMS}`,
				actor,
				subject,
				fromRole: 'viewer',
				role: 'contributor'
			});
			times.push(performance.now() - start);
		}
		times.sort((a, b) => a - b);
		const reads: Array<{ what: string; rows: number; ms: number[]; pause: number }> = [
			{ what: 'instance view, person filter', rows: 0, ms: [], pause: 0 },
			{ what: 'room view, no filter', rows: 0, ms: [], pause: 0 },
			{ what: 'baseline: the instance file parsed in one go', rows: 0, ms: [], pause: 0 }
		];
		const instanceFile = join(tmp.dir, 'audit', 'audit-trail.instance.jsonl');
		const work: Array<() => Promise<number>> = [
			async () => (await trail.instance({ person: 'tom' })).length,
			async () => (await trail.room('room-1')).length,
			async () => {
				const text = await readFile(instanceFile, 'utf8');
				return text
					.split('\n')
					.filter(Boolean)
					.map((line) => JSON.parse(line) as unknown).length;
			}
		];
		for (let round = 0; round < 3; round++) {
			for (const [i, read] of work.entries()) {
				const watch = pauses();
				const start = performance.now();
				reads[i]!.rows = await read();
				reads[i]!.ms.push(performance.now() - start);
				reads[i]!.pause = Math.max(reads[i]!.pause, await watch.stop());
			}
		}
		return {
			name: 'audit',
			tables: [
				{
					title: `Audit trail, embedded (${count} entries recorded, keeping ${DEFAULT_AUDIT_KEEP.instance} per instance)`,
					head: ['what', 'rows', 'median', 'p99', 'max', 'longest pause'],
					rows: [
						['record', String(count), ms(percentile(times, 0.5)), ms(percentile(times, 0.99)), ms(times.at(-1)!), '-'],
						...reads.map((r) => {
							const sorted = [...r.ms].sort((a, b) => a - b);
							return [r.what, String(r.rows), ms(percentile(sorted, 0.5)), '-', ms(sorted.at(-1)!), ms(r.pause)];
						})
					],
					notes: [
						'Reads are three rounds each. The longest pause is the longest gap between turns of the event loop while the read ran (a 2 ms timer): what other rooms wait at worst.'
					]
				}
			],
			targets: [],
			data: { count, record: { median: percentile(times, 0.5), p99: percentile(times, 0.99), max: times.at(-1) }, reads }
		};
	} finally {
		await tmp.cleanup();
	}
}
