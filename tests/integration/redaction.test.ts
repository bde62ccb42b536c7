/**
 * Redaction at every way in, through a real server: quotes, survey comments, artifact captions and call
 * transcripts sent over the socket, an import over HTTP (preview, apply, the kept file), a backup
 * restored, and `room.redact` masking what a room already holds. For each, the personal data reaches
 * neither the room's state, nor a broadcast, nor a joining client, nor any file in the data directory.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEFAULT_REDACTION,
	type Command,
	type ComplaintMapping,
	type RedactionSettings,
	type RoomState
} from '../../src/lib/domain';
import type { RoomEventsMessage } from '../../src/lib/protocol';
import type { RedactionPreview } from '../../src/lib/protocol/curate';
import { curateHttp } from '../support/curate-http';
import { createRoom, join, recordEvents, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';

/** The personal data each test writes, each kind once, and what it must become. */
const EMAIL = 'jane.doe@example.com';
const PHONE = '+44 20 7946 0018';
const CARD = '4111 1111 1111 1111';
const WORDS = `I am ${EMAIL}, call ${PHONE}; my card ${CARD} was charged twice on 2026-11-02 for £1,250.00.`;
const MASKED = 'I am [email], call [phone]; my card [card] was charged twice on 2026-11-02 for £1,250.00.';
const RAW = [EMAIL, '7946 0018', CARD];

let server: TestServer;
let seq = 0;

beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => server?.close());

/** Every file under `dir` whose bytes hold `needle`. */
async function filesHolding(needle: string, dir: string): Promise<string[]> {
	const found: string[] = [];
	for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) found.push(...(await filesHolding(needle, full)));
		else if ((await readFile(full)).includes(needle)) found.push(path.relative(server.dataDir, full));
	}
	return found;
}

/**
 * Asserts that no raw value is in `what` (a state, broadcasts, a join answer), in the room's log and
 * snapshots, or in any stored file (rooms whose masking a test turns off use other values).
 */
async function expectNoRaw(roomId: string, ...what: unknown[]): Promise<void> {
	const text = JSON.stringify(what);
	for (const raw of RAW) {
		expect(text, `"${raw}" reached a client`).not.toContain(raw);
		expect(await filesHolding(raw, path.join(server.dataDir, 'rooms', roomId)), `"${raw}" is in the room's log`).toEqual([]);
		expect(await filesHolding(raw, path.join(server.dataDir, 'blobs')), `"${raw}" is in a stored file`).toEqual([]);
	}
}

/** A room (one stage, one category) with a facilitator and a second member already joined and listening. */
async function room(redaction?: RedactionSettings) {
	const roomId = `redact-${++seq}`;
	const owner = await server.client('Owner', { [roomId]: 'facilitator' });
	await createRoom(owner, roomId);
	if (redaction)
		await must(owner, roomId, {
			type: 'room.configure',
			patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', redaction } }
		});
	const other = await server.client('Other', { [roomId]: 'contributor' });
	expect((await join(other, roomId)).ok).toBe(true);
	const heard = recordEvents(other);
	const state = async () => (await server.app.engine.state(roomId))!;
	return { roomId, owner, other, heard, state };
}

async function must(socket: TestSocket, roomId: string, command: Command): Promise<number> {
	const result = await send(socket, roomId, command);
	if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	return result.version;
}

/** What a client joining afresh is sent. */
async function freshJoin(roomId: string) {
	const joiner = await server.client('Joiner', { [roomId]: 'viewer' });
	const answer = await join(joiner, roomId);
	joiner.disconnect();
	return answer;
}

/** Waits until `heard` holds an event at `version`. */
async function heardUpTo(heard: RoomEventsMessage[], version: number): Promise<void> {
	for (let i = 0; i < 100 && !heard.some((m) => m.events.some((e) => e.v >= version)); i++)
		await new Promise((r) => setTimeout(r, 20));
}

const verbatim = (id: string, text = WORDS) => ({ id, text, date: '2026-11-02', channel: 'Web', segment: null });

describe('commands sent over the socket', () => {
	it('complaint.quote: the verbatim is stored, broadcast and sent to a joiner masked', async () => {
		const { roomId, owner, heard, state } = await room();
		const version = await must(owner, roomId, { type: 'complaint.quote', categoryId: 'cant-open', verbatim: verbatim('q1') });
		await heardUpTo(heard, version);
		expect((await state()).complaints['cant-open']!.verbatims[0]!.text).toBe(MASKED);
		expect(JSON.stringify(heard)).toContain(MASKED);
		await expectNoRaw(roomId, await state(), heard, await freshJoin(roomId));
	});

	it('survey.quote: the comment is masked', async () => {
		const { roomId, owner, heard, state } = await room();
		await must(owner, roomId, {
			type: 'survey.define',
			surveyId: 'nps',
			kind: 'nps',
			stageId: 'apply',
			touchpointId: null,
			question: 'Would you recommend us?'
		});
		const version = await must(owner, roomId, { type: 'survey.quote', surveyId: 'nps', verbatim: verbatim('s1') });
		await heardUpTo(heard, version);
		expect((await state()).surveys.nps!.verbatims[0]!.text).toBe(MASKED);
		await expectNoRaw(roomId, await state(), heard, await freshJoin(roomId));
	});

	it('artifact.add and artifact.update: the caption and the call transcript are masked', async () => {
		const { roomId, owner, heard, state } = await room();
		const artifact: Command = {
			type: 'artifact.add',
			artifactId: 'call-1',
			stageId: 'apply',
			touchpointId: null,
			kind: 'note',
			title: 'A call about a double charge',
			caption: `Caller gave ${EMAIL}`,
			blobId: null,
			url: null,
			transcript: `Agent: How can I help?\nCustomer: ${WORDS}`,
			currentAsOf: null,
			sensitive: false,
			replacedBy: null
		};
		await must(owner, roomId, artifact);
		const version = await must(owner, roomId, {
			type: 'artifact.update',
			artifactId: 'call-1',
			patch: { transcript: `Customer: my number is ${PHONE} and card ${CARD}.` }
		});
		await heardUpTo(heard, version);
		const stored = (await state()).artifacts['call-1']!;
		expect(stored.caption).toBe('Caller gave [email]');
		expect(stored.transcript).toBe('Customer: my number is [phone] and card [card].');
		await expectNoRaw(roomId, await state(), heard, await freshJoin(roomId));
	});

	it('masks only the kinds the room keeps on', async () => {
		const { roomId, owner, state } = await room({ ...DEFAULT_REDACTION, kinds: ['email'] });
		await must(owner, roomId, {
			type: 'complaint.quote',
			categoryId: 'cant-open',
			verbatim: verbatim('q1', `${EMAIL} ${PHONE}`)
		});
		expect((await state()).complaints['cant-open']!.verbatims[0]!.text).toBe(`[email] ${PHONE}`);
	});
});

describe('an import', () => {
	const FILE = [
		'Date,Issue,Comment,Channel',
		`2026-10-01,Double charge,"${WORDS}",Web`,
		`2026-10-02,Double charge,"Write to ${EMAIL} or other.person@example.org",Phone`,
		'2026-10-03,Late letter,"The letter came three weeks late, on 2026-10-24.",Post'
	].join('\n');
	const col = (index: number, name: string) => ({ index, name });
	const mapping: ComplaintMapping = {
		kind: 'complaints',
		hasHeader: true,
		dateColumn: col(0, 'Date'),
		dateFormat: 'YYYY-MM-DD',
		idColumn: null,
		segmentColumn: null,
		categoryColumn: col(1, 'Issue'),
		channelColumn: col(3, 'Channel'),
		textColumn: col(2, 'Comment'),
		stageRules: [],
		defaultStageId: 'apply'
	};

	it('says per column what it will mask before anything is stored, stores none of it, and keeps only the mapped columns masked', async () => {
		const { roomId, heard, state } = await room();
		const token = await server.access.grantDirectly(roomId, 'contributor', 'Curator');
		const http = curateHttp(server.url, roomId, token);
		const uploaded = await http.upload(Buffer.from(FILE), 'import');
		const blobId = uploaded.body.blobId as string;

		const before = (await state()).version;
		const preview = await http.runImport({ blobId, fileName: 'complaints.csv', mapping, dryRun: true });
		expect(preview.done.ok).toBe(true);
		const summary = (preview.done as unknown as { summary: { masked: unknown; preview: Array<{ detail: string }> } }).summary;
		expect(summary.masked).toEqual([
			{ column: '"Comment"', counts: { email: 3, phone: 1, card: 1, iban: 0, nationalId: 0, number: 0 } }
		]);
		expect(JSON.stringify(summary.preview)).not.toContain(EMAIL);
		// A preview stores nothing: the room is where it was.
		expect((await state()).version).toBe(before);

		const applied = await http.runImport({ blobId, fileName: 'complaints.csv', mapping, dryRun: false });
		expect(applied.done.ok).toBe(true);
		const after = await state();
		const texts = after.complaints[
			Object.keys(after.complaints).find((id) => id !== 'cant-open' && after.complaints[id]!.name === 'Double charge')!
		]!.verbatims.map((v) => v.text);
		expect(texts).toContain(MASKED);
		expect(texts).toContain('Write to [email] or [email]');

		// The file the room keeps is the mapped columns, masked; the upload itself belongs to no room now.
		const record = Object.values(after.imports)[0]!;
		expect(record.blobId).not.toBe(blobId);
		const kept = await http.blob(record.blobId);
		const keptText = await kept.text();
		expect(keptText).toContain('[email]');
		expect(keptText.split('\r\n')[0]).toBe('Date,Issue,Comment,Channel');
		await server.app.collector.collect(Date.now() + 25 * 3_600_000);
		await heardUpTo(heard, after.version);
		await expectNoRaw(roomId, after, heard, await freshJoin(roomId));
	});

	it('keeps the raw upload when the room says so', async () => {
		const { roomId, state } = await room({ ...DEFAULT_REDACTION, importFile: 'raw' });
		const token = await server.access.grantDirectly(roomId, 'contributor', 'Curator');
		const http = curateHttp(server.url, roomId, token);
		const own = 'Date,Issue,Comment,Channel\n2026-10-01,Double charge,"Write to kept.raw@example.net",Web\n';
		const blobId = (await http.upload(Buffer.from(own), 'import')).body.blobId as string;
		expect((await http.runImport({ blobId, mapping, dryRun: false })).done.ok).toBe(true);
		expect(Object.values((await state()).imports)[0]!.blobId).toBe(blobId);
	});
});

describe('what a room already holds', () => {
	it('room.redact masks the stored verbatims in one event, after the count says what would change; a restored backup is masked too', async () => {
		// Masking off: the words are stored as they came (a room from before masking, in effect).
		const { roomId, owner, heard, state } = await room({ ...DEFAULT_REDACTION, kinds: [] });
		await must(owner, roomId, { type: 'complaint.quote', categoryId: 'cant-open', verbatim: verbatim('q1') });
		expect((await state()).complaints['cant-open']!.verbatims[0]!.text).toBe(WORDS);
		const token = await server.access.grantDirectly(roomId, 'facilitator', 'Facilitator');
		const http = curateHttp(server.url, roomId, token);
		const backup = (await http.get('/export/backup.json')).text;
		expect(backup).toContain(EMAIL);

		await must(owner, roomId, {
			type: 'room.configure',
			patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', redaction: DEFAULT_REDACTION } }
		});
		const counted = await http.get('/redaction');
		expect(counted.status).toBe(200);
		expect(JSON.parse(counted.text) as RedactionPreview).toEqual({
			items: 1,
			masked: { email: 1, phone: 1, card: 1, iban: 0, nationalId: 0, number: 0 }
		});

		// What a client sends as the rewrite is replaced by what the server works out.
		const version = await must(owner, roomId, {
			type: 'room.redact',
			prepared: {
				rewrites: {
					complaintQuotes: [{ categoryId: 'cant-open', verbatimId: 'q1', text: 'Forged words' }],
					surveyQuotes: [],
					artifacts: []
				},
				masked: { email: 0, phone: 0, card: 0, iban: 0, nationalId: 0, number: 0 }
			}
		});
		await heardUpTo(heard, version);
		const masked: RoomState = await state();
		expect(masked.complaints['cant-open']!.verbatims[0]!.text).toBe(MASKED);
		const events = heard.flatMap((m) => m.events).filter((e) => e.v === version);
		expect(events.map((e) => e.event.type)).toEqual(['room.redacted']);
		expect(JSON.stringify(events)).not.toContain(EMAIL);
		expect(JSON.stringify(await freshJoin(roomId))).not.toContain(EMAIL);
		expect((await http.get('/export/backup.json')).text).not.toContain(EMAIL);
		expect((await http.get('/export/verbatims.csv')).text).toContain('[card]');
		expect((await http.get('/redaction')).text).toContain('"items":0');
		const again = await send(owner, roomId, { type: 'room.redact' });
		expect(again.ok ? null : again.code).toBe('conflict');

		// A backup from before masking existed (no masking settings) restores into a room that holds the
		// masks, not the words: a restore is masked with the backup's settings, and the defaults mask everything.
		const old = JSON.parse(backup) as { state: RoomState };
		delete old.state.meta!.settings.redaction;
		const restored = await http.restore(JSON.stringify(old));
		expect(restored.status).toBe(201);
		const restoredState = await server.app.engine.state(restored.body.roomId as string);
		expect(restoredState!.complaints['cant-open']!.verbatims[0]!.text).toBe(MASKED);
	});

	it('only a facilitator may mask a room or ask what masking would change', async () => {
		const { roomId, other } = await room();
		const refused = await send(other, roomId, { type: 'room.redact' });
		expect(refused.ok ? null : refused.code).toBe('forbidden');
		const token = await server.access.grantDirectly(roomId, 'contributor', 'Curator');
		expect((await curateHttp(server.url, roomId, token).get('/redaction')).status).toBe(403);
	});
});
