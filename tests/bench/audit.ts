/**
 * The embedded audit trail at its keep limits: how long `record` takes (two fsync'd appends, and now and
 * then a rewrite to the newest N), and how long the instance's and a room's views take to read, filter and
 * sort a full trail. Reads run on the event loop, so their time is how long the server pauses for them.
 */
import { openFileKv } from '../../server/access/file-kv';
import { DEFAULT_AUDIT_KEEP } from '../../server/people/audit-trail';
import { openEmbeddedAuditTrail } from '../../server/people/file-audit-lists';
import type { Section } from './report';
import { tempDir } from '../support/temp-dir';

const ROOMS = 4;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

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
		const reads: Array<{ what: string; rows: number; ms: number[] }> = [
			{ what: 'instance view, person filter', rows: 0, ms: [] },
			{ what: 'room view, no filter', rows: 0, ms: [] }
		];
		for (let round = 0; round < 3; round++) {
			let start = performance.now();
			reads[0]!.rows = (await trail.instance({ person: 'tom' })).length;
			reads[0]!.ms.push(performance.now() - start);
			start = performance.now();
			reads[1]!.rows = (await trail.room('room-1')).length;
			reads[1]!.ms.push(performance.now() - start);
		}
		return {
			name: 'audit',
			tables: [
				{
					title: `Audit trail, embedded (${count} entries recorded, keeping ${DEFAULT_AUDIT_KEEP.instance} per instance)`,
					head: ['what', 'rows', 'median', 'p99', 'max'],
					rows: [
						['record', String(count), ms(percentile(times, 0.5)), ms(percentile(times, 0.99)), ms(times.at(-1)!)],
						...reads.map((r) => {
							const sorted = [...r.ms].sort((a, b) => a - b);
							return [r.what, String(r.rows), ms(percentile(sorted, 0.5)), '-', ms(sorted.at(-1)!)];
						})
					],
					notes: ['Reads are three rounds each; a read holds the event loop for its whole time.']
				}
			],
			targets: [],
			data: { count, record: { median: percentile(times, 0.5), p99: percentile(times, 0.99), max: times.at(-1) }, reads }
		};
	} finally {
		await tmp.cleanup();
	}
}
