/**
 * A large import next to live rooms (`imports`): a contributor of one room inspects, previews and imports
 * a 20 MiB complaints file while a laptop in another room sends a command every 50 ms; each command's ack
 * time counts from when it was due (no coordinated omission). The same laptop's acks with no import
 * running, measured first in the same run, are the baseline. Also: the server's event-loop delay and RSS
 * (after a full GC) before, right after, and once the parsing threads have gone idle; and the worst time
 * of any pathological cell (40,000 digits and an `x`, a megabyte of whitespace, nested quotes, a 1 MB
 * cell) through the cell readers and through a whole row read.
 */
import type { ImportMapping } from '../../src/lib/domain';
import { MAX_CELL_CHARS, parseDate, parseNumber } from '../../server/imports/cells';
import { readImport } from '../../server/imports/read-import';
import { curateHttp } from '../support/curate-http';
import { sessionToken } from '../support/server-process';
import { send, type TestSocket } from '../support/test-server';
import { nowMs, sleep } from './clock';
import { countCommand, laptopsInNewRoom } from './clients';
import type { Section } from './report';
import { startOurs, type ProbeReport } from './servers';
import { fmt, fmtBytes, roundSummary, summarize } from './stats';

const PING_INTERVAL_MS = 50;
const FILE_BYTES = 20 * 1_048_576;
const TARGET_P99_MS = 25;

/** A complaints export of at least `bytes` bytes (whole rows): an id, a date, a product, an issue, a segment and a narrative per row. */
function complaintsFile(bytes: number): Buffer {
	const issues = Array.from({ length: 40 }, (_, i) => `Issue ${i + 1}`);
	const words = 'the card was declined twice although the balance was fine and nobody called back'.split(' ');
	const parts = ['id,date,product,issue,segment,narrative\n'];
	let size = parts[0]!.length;
	for (let i = 0; size < bytes; i++) {
		const day = new Date(Date.UTC(2024, 0, 1 + (i % 700))).toISOString().slice(0, 10);
		const narrative = Array.from({ length: 24 }, (_, k) => words[(i + k * 7) % words.length]).join(' ');
		const line = `${i},${day},${i % 3 ? 'Credit card' : 'Checking account'},${issues[i % 40]},${i % 2 ? 'Retail' : 'Business'},"Row ${i}: ${narrative}, ""quoted"""\n`;
		parts.push(line);
		size += line.length;
	}
	return Buffer.from(parts.join(''));
}

const MAPPING: ImportMapping = {
	kind: 'complaints',
	hasHeader: true,
	dateColumn: { index: 1, name: 'date' },
	dateFormat: 'auto',
	idColumn: { index: 0, name: 'id' },
	segmentColumn: { index: 4, name: 'segment' },
	categoryColumn: { index: 3, name: 'issue' },
	channelColumn: null,
	textColumn: { index: 5, name: 'narrative' },
	stageRules: [],
	defaultStageId: 'apply'
};

/**
 * Sends a command every `intervalMs` until `running()` turns false, and returns each ack time counted from
 * when the command was due (a late send still counts from its due time).
 */
async function pingWhile(socket: TestSocket, roomId: string, intervalMs: number, running: () => boolean): Promise<number[]> {
	const latencies: Promise<number>[] = [];
	const start = nowMs();
	for (let seq = 0; running(); seq++) {
		const due = start + seq * intervalMs;
		const wait = due - nowMs();
		if (wait > 0) await sleep(wait);
		latencies.push(
			send(socket, roomId, countCommand('cant-open', seq)).then((result) => {
				if (!result.ok) throw new Error(`ping refused: ${result.message}`);
				return nowMs() - due;
			})
		);
	}
	return Promise.all(latencies);
}

/** The worst time, in ms, any pathological cell takes through the cell readers and through a whole row read. */
async function worstPathologicalCell(): Promise<{ cell: string; ms: number }> {
	const cells: Record<string, string> = {
		'40,000 digits then x': `${'1'.repeat(40_000)}x`,
		'1 MB of whitespace then x': `${' '.repeat(1_048_576)}x`,
		'nested quotes (40,001 characters)': `${'"'.repeat(20_000)}7${'"'.repeat(20_000)}`,
		'1 MB of digits then x': `${'1'.repeat(1_048_576)}x`,
		'a date with 40,000 fraction digits': `2024-01-01T10:10:10.${'1'.repeat(40_000)}x`,
		'digits just under the cap, then x': `${'1'.repeat(MAX_CELL_CHARS - 1)}x`
	};
	const kpiMapping: ImportMapping = {
		kind: 'kpis',
		hasHeader: false,
		dateColumn: { index: 0, name: null },
		dateFormat: 'auto',
		idColumn: null,
		segmentColumn: null,
		valueColumn: { index: 1, name: null },
		nameColumn: null,
		kpiId: 'k',
		stageRules: [],
		defaultStageId: null
	};
	const room = {
		stages: { s: { name: 'Stage' } },
		complaints: {},
		kpis: { k: { id: 'k', name: 'KPI', unit: '', stageId: 's' } },
		surveys: {}
	};
	let worst = { cell: '', ms: 0 };
	for (const [name, cell] of Object.entries(cells)) {
		const t0 = nowMs();
		parseNumber(cell);
		for (const format of ['auto', 'YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY', 'YYYY-MM'] as const)
			parseDate(cell, format);
		const text = `2025-01-01,"${cell.replaceAll('"', '""')}"\n${cell.length < 100_000 ? `"${cell.replaceAll('"', '""')}",1\n` : ''}`;
		const read = await readImport({ state: room, mapping: kpiMapping, text, delimiter: ',', seen: new Set() });
		if (read.summary.errors !== read.summary.rows) throw new Error(`the pathological cell "${name}" was read as a value`);
		const ms = nowMs() - t0;
		if (ms > worst.ms) worst = { cell: name, ms };
	}
	return worst;
}

export async function importsSection(options: { quick: boolean; log: (m: string) => void }): Promise<Section> {
	const deployment = await startOurs();
	const sockets: TestSocket[] = [];
	try {
		const url = deployment.urls[0]!;
		const [server] = deployment.instances;
		const [laptop] = await laptopsInNewRoom(url, 'live', 1, sockets);
		await laptopsInNewRoom(url, 'importing', 1, sockets);
		const http = curateHttp(url, 'importing', await sessionToken(url, 'importing', 'contributor', 'Bench curator'));

		const baselineS = options.quick ? 5 : 15;
		options.log(`imports: ${baselineS} s of acks in a quiet server`);
		await server!.probe();
		const quietUntil = nowMs() + baselineS * 1000;
		const quiet = await pingWhile(laptop!, 'live', PING_INTERVAL_MS, () => nowMs() < quietUntil);
		const quietProbe = await server!.probe();

		const file = complaintsFile(FILE_BYTES);
		options.log(`imports: uploading ${fmtBytes(file.length)} (${file.toString('latin1').split('\n').length - 2} rows)`);
		const uploaded = await http.upload(file, 'import');
		if (uploaded.status !== 201) throw new Error(`upload: ${JSON.stringify(uploaded.body)}`);
		const blobId = uploaded.body.blobId as string;
		const before = await server!.probe();

		options.log('imports: inspect, preview and import while the other room sends');
		let importing = true;
		const t0 = nowMs();
		const steps: Record<string, number> = {};
		const work = (async () => {
			try {
				let at = nowMs();
				const inspected = await http.inspect(blobId);
				if (inspected.status !== 200) throw new Error(`inspect: ${JSON.stringify(inspected.body)}`);
				steps.inspect = nowMs() - at;
				at = nowMs();
				const preview = await http.runImport({ blobId, mapping: MAPPING, dryRun: true });
				if (!preview.done.ok) throw new Error(`preview: ${preview.done.message}`);
				steps.preview = nowMs() - at;
				at = nowMs();
				const done = await http.runImport({ blobId, mapping: MAPPING, dryRun: false });
				if (!done.done.ok) throw new Error(`import: ${done.done.message}`);
				steps.import = nowMs() - at;
				return done.done.summary as { rows: number; added: number; errors: number };
			} finally {
				importing = false;
			}
		})();
		const [during, summary] = await Promise.all([pingWhile(laptop!, 'live', PING_INTERVAL_MS, () => importing), work]);
		const importMs = nowMs() - t0;
		const after = await server!.probe();
		const idleWaitS = options.quick ? 0 : 65;
		let idle: ProbeReport | null = null;
		if (idleWaitS) {
			options.log(`imports: waiting ${idleWaitS} s for the parsing threads to go idle`);
			await sleep(idleWaitS * 1000);
			idle = await server!.probe();
		}
		options.log('imports: pathological cells');
		const worst = await worstPathologicalCell();

		const quietAck = roundSummary(summarize(quiet));
		const duringAck = roundSummary(summarize(during));
		const mib = (bytes: number) => bytes / 1_048_576;
		const data = {
			fileBytes: file.length,
			rows: summary.rows,
			added: summary.added,
			importMs: Math.round(importMs),
			stepsMs: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round(v)])),
			quietAck,
			duringAck,
			eventLoopDelay: { quiet: quietProbe.eld, during: after.eld },
			rssMiB: { before: mib(before.rssAfterGc), after: mib(after.rssAfterGc), idle: idle ? mib(idle.rssAfterGc) : null },
			worstPathologicalCell: { ...worst, ms: Math.round(worst.ms * 10) / 10 }
		};
		const ackRow = (what: string, s: typeof quietAck, eld: ProbeReport['eld']) => [
			what,
			String(s.count),
			fmt(s.p50, 1),
			fmt(s.p99, 1),
			fmt(s.max, 1),
			fmt(eld.max, 1)
		];
		return {
			name: 'imports',
			data,
			targets: [
				{
					name: `other room's ack p99 during a ${fmtBytes(file.length)} import`,
					target: `≤ ${TARGET_P99_MS} ms`,
					measured: `${fmt(duringAck.p99, 1)} ms (quiet: ${fmt(quietAck.p99, 1)} ms)`,
					met: duringAck.p99 !== null && duringAck.p99 <= TARGET_P99_MS
				}
			],
			tables: [
				{
					title: `Another room's command acks while a ${fmtBytes(file.length)} complaints file (${summary.rows.toLocaleString('en')} rows) is inspected, previewed and imported (a command every ${PING_INTERVAL_MS} ms)`,
					head: ['while', 'acks', 'ack p50 ms', 'ack p99 ms', 'ack max ms', 'event-loop delay max ms'],
					rows: [
						ackRow('no import (baseline)', quietAck, quietProbe.eld),
						ackRow('inspect + preview + import', duringAck, after.eld)
					],
					notes: [
						`inspect ${fmt(steps.inspect ?? NaN, 0)} ms, preview ${fmt(steps.preview ?? NaN, 0)} ms, import ${fmt(steps.import ?? NaN, 0)} ms (${summary.added.toLocaleString('en')} rows added)`,
						`server RSS after a full GC: ${fmt(data.rssMiB.before, 0)} MiB before, ${fmt(data.rssMiB.after, 0)} MiB right after${data.rssMiB.idle === null ? '' : `, ${fmt(data.rssMiB.idle, 0)} MiB once the parsing threads stopped (${idleWaitS} s later)`}`,
						`worst pathological cell: ${fmt(data.worstPathologicalCell.ms, 1)} ms (${worst.cell}; readers and a whole row read, in the runner)`
					]
				}
			]
		};
	} finally {
		for (const s of sockets) s.disconnect();
		await deployment.stop();
	}
}
