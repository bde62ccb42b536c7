/**
 * Files built to stall a server, over real HTTP: cells of 40,000 digits and an `x` (once 4.5 s each on
 * the event loop), a megabyte of whitespace, nested quotes, a 1 MB cell. Inspect, preview (dry run)
 * and import answer with what is wrong with each row, and the rows around them still count. And while
 * one room's large file is being read, another room's commands are answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnRef, Command, ImportMapping } from '../../src/lib/domain';
import type { Inspection, RowError } from '../../src/lib/protocol/curate';
import { curateHttp } from '../support/curate-http';
import { join, send, startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
let seq = 0;

beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
});

const col = (index: number, name: string): ColumnRef => ({ index, name });

/** A room with a stage, a KPI and an NPS survey, and an HTTP client of a contributor in it. */
async function room() {
	const roomId = `pathological-${++seq}`;
	const owner = await server.client('Owner', { [roomId]: 'facilitator' });
	const steps: Command[] = [
		{ type: 'room.create', name: `Room ${roomId}`, organisation: 'Test' },
		{ type: 'stage.add', stageId: 'buy', name: 'Buy', customerGoal: '' },
		{
			type: 'kpi.define',
			kpiId: 'k-wait',
			stageId: 'buy',
			touchpointId: null,
			name: 'Wait',
			unit: 'min',
			direction: 'lower',
			target: 5,
			warning: 2,
			source: 'BI',
			department: null
		},
		{
			type: 'survey.define',
			surveyId: 's-nps',
			kind: 'nps',
			stageId: 'buy',
			touchpointId: null,
			question: 'Would you recommend us?'
		}
	];
	for (const command of steps) {
		const result = await send(owner, roomId, command);
		if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
		if (command.type === 'room.create' && !(await join(owner, roomId)).ok) throw new Error('could not join');
	}
	const token = await server.access.grantDirectly(roomId, 'contributor', 'A contributor');
	return {
		roomId,
		owner,
		http: curateHttp(server.url, roomId, token),
		state: async () => (await server.app.engine.state(roomId))!
	};
}

const digits = (n: number) => '1'.repeat(n);
const quoted = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
/** Cells that made the old readers backtrack for seconds, or that are simply too long to read. */
const LONG_DIGITS = `${digits(40_000)}x`;
const LONG_SPACE = `${' '.repeat(1_000_000)}x`;
const NESTED_QUOTES = `${'"'.repeat(20_000)}7${'"'.repeat(20_000)}`;
const ONE_MB = `${digits(1_048_576)}x`;

const KPI_MAPPING: ImportMapping = {
	kind: 'kpis',
	hasHeader: true,
	dateColumn: col(0, 'date'),
	dateFormat: 'auto',
	idColumn: null,
	segmentColumn: null,
	valueColumn: col(1, 'value'),
	nameColumn: null,
	kpiId: 'k-wait',
	stageRules: [],
	defaultStageId: null
};

/** date,value rows: good ones on odd lines, and twelve 40,000-digit cells among them, as the review sent. */
function kpiFile(): { text: string; bad: Map<number, string> } {
	const lines = ['date,value'];
	const bad = new Map<number, string>();
	const badCells = [...Array<string>(12).fill(LONG_DIGITS), LONG_SPACE, NESTED_QUOTES, ONE_MB];
	for (let i = 0; i < 40; i++) {
		const date = `2025-01-${String((i % 28) + 1).padStart(2, '0')}`;
		if (i % 2 === 1 && badCells.length) {
			bad.set(lines.length + 1, badCells.shift()!);
			lines.push(`${date},${quoted(bad.get(lines.length + 1)!)}`);
		} else lines.push(`${date},${i}`);
	}
	return { text: `${lines.join('\n')}\n`, bad };
}

describe('pathological cells', () => {
	it('inspect answers with the columns, the long cells cut short and read as text', async () => {
		const { http } = await room();
		const { text } = kpiFile();
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const inspected = await http.inspect(blobId);
		expect(inspected.status).toBe(200);
		const inspection = inspected.body as unknown as Inspection;
		expect(inspection.hasHeader).toBe(true);
		expect(inspection.columns.map((c) => [c.name, c.looks])).toEqual([
			['date', 'date'],
			['value', 'text']
		]);
		expect(Math.max(...inspection.columns.flatMap((c) => c.samples.map((s) => s.length)))).toBeLessThanOrEqual(160);
	});

	it('a KPI preview and import report each bad row by line and column, with the limit, and import the rest', async () => {
		const { http, state } = await room();
		const { text, bad } = kpiFile();
		const blobId = (await http.upload(Buffer.from(text), 'import')).body.blobId as string;
		const preview = await http.runImport({ blobId, mapping: KPI_MAPPING, dryRun: true });
		expect(preview.done).toMatchObject({ ok: true, applied: false });
		const summary = preview.done.summary as { rows: number; added: number; errors: number; errorList: RowError[] };
		expect(summary).toMatchObject({ rows: 40, added: 25, errors: 15 });
		const reasons = new Map(summary.errorList.map((e) => [e.line, e.reason]));
		expect([...reasons.keys()].sort((a, b) => a - b)).toEqual([...bad.keys()]);
		for (const [line, cell] of bad) {
			if (cell === LONG_DIGITS) expect(reasons.get(line)).toBe(`"value" "${digits(39)}…" is not a number`);
			if (cell === NESTED_QUOTES) expect(reasons.get(line)).toBe(`"value" "${'"'.repeat(39)}…" is not a number`);
		}
		const limit = (cell: string) =>
			`has a cell too long to read: "value" holds ${cell.length.toLocaleString('en')} characters, and a cell may hold at most 100,000 (shorten it in the file, or leave that column out of the mapping)`;
		expect(reasons.get([...bad].find(([, c]) => c === ONE_MB)![0])).toBe(limit(ONE_MB));
		expect(reasons.get([...bad].find(([, c]) => c === LONG_SPACE)![0])).toBe(limit(LONG_SPACE));

		const imported = await http.runImport({ blobId, mapping: KPI_MAPPING, dryRun: false });
		expect(imported.done).toMatchObject({ ok: true, applied: true, summary: { added: 25, errors: 15 } });
		expect((await state()).kpis['k-wait']!.points.length).toBeGreaterThan(0);
	});

	it('complaint and survey imports refuse the same cells in dates, categories, scores and texts', async () => {
		const { http } = await room();
		const complaints = [
			'date,category,text',
			'2025-02-01,Late,fine',
			`${quoted(LONG_DIGITS)},Late,date`,
			`2025-02-02,${quoted(ONE_MB)},category`,
			`2025-02-03,Late,${quoted(ONE_MB)}`,
			`${quoted(`2025-02-04T10:10:10.${digits(40_000)}x`)},Late,time`,
			'2025-02-05,Late,fine'
		].join('\n');
		const complaintsId = (await http.upload(Buffer.from(complaints), 'import')).body.blobId as string;
		const read = await http.runImport({
			blobId: complaintsId,
			dryRun: true,
			mapping: {
				kind: 'complaints',
				hasHeader: true,
				dateColumn: col(0, 'date'),
				dateFormat: 'auto',
				idColumn: null,
				segmentColumn: null,
				categoryColumn: col(1, 'category'),
				channelColumn: null,
				textColumn: col(2, 'text'),
				stageRules: [],
				defaultStageId: 'buy'
			}
		});
		expect(read.done.summary).toMatchObject({ rows: 6, added: 2, errors: 4 });
		expect(
			(read.done.summary as { errorList: RowError[] }).errorList.map((e) => [e.line, e.reason.split(' ').slice(0, 2).join(' ')])
		).toEqual([
			[3, `"date" "${digits(39)}…"`],
			[4, 'has a'],
			[5, 'has a'],
			[6, `"date" "2025-02-04T10:10:10.${digits(19)}…"`]
		]);

		const survey = [
			'when,score',
			'2025-03-01,9',
			`2025-03-02,${quoted(LONG_DIGITS)}`,
			`2025-03-03,${quoted(NESTED_QUOTES)}`,
			`2025-03-04,${quoted(ONE_MB)}`,
			'2025-03-05,3'
		].join('\n');
		const surveyId = (await http.upload(Buffer.from(survey), 'import')).body.blobId as string;
		const scored = await http.runImport({
			blobId: surveyId,
			dryRun: false,
			mapping: {
				kind: 'surveys',
				hasHeader: true,
				surveyId: 's-nps',
				dateColumn: col(0, 'when'),
				dateFormat: 'auto',
				idColumn: null,
				segmentColumn: null,
				scoreColumn: col(1, 'score'),
				countColumn: null,
				textColumn: null,
				newSurvey: null
			}
		});
		expect(scored.done).toMatchObject({ ok: true, applied: true, summary: { rows: 5, added: 2, errors: 3 } });
	});
});

describe('a large file in one room', () => {
	it('leaves another room answered while it is read', async () => {
		const a = await room();
		const b = await room();
		// Enough ordinary rows to keep a reader busy for a while, with the review's twelve 40,000-digit
		// cells right after the first progress report (sent after 2,000 rows).
		const lines = ['date,value'];
		for (let i = 0; i < 300_000; i++)
			lines.push(
				i >= 2_000 && i < 2_012 ? `2025-01-01,${LONG_DIGITS}` : `2025-01-${String((i % 28) + 1).padStart(2, '0')},${i % 97}`
			);
		const blobId = (await a.http.upload(Buffer.from(lines.join('\n')), 'import')).body.blobId as string;

		const order: string[] = [];
		let firstProgress!: () => void;
		const reading = new Promise<void>((resolve) => (firstProgress = resolve));
		const importing = a.http
			.runImport({ blobId, mapping: KPI_MAPPING, dryRun: true }, () => firstProgress())
			.then((result) => {
				order.push('import answered');
				return result;
			});
		await reading;
		const ack = await send(b.owner, b.roomId, { type: 'stage.update', stageId: 'buy', patch: { customerGoal: 'Get it done' } });
		order.push('room B answered');
		const result = await importing;
		expect(ack.ok).toBe(true);
		expect(result.done).toMatchObject({ ok: true, summary: { rows: 300_000, errors: 12 } });
		expect(order).toEqual(['room B answered', 'import answered']);
	}, 120_000);
});
