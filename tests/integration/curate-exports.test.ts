/**
 * Exports and restore over real HTTP: the demo room (plus an import and an uploaded picture) backed up
 * and restored into a new room with an identical state and a new epoch; damaged backups refused; one
 * CSV per kind, agreeing with the room and safe to open in a spreadsheet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { type RoomState } from '../../src/lib/domain';
import { DEMO_ROOM_ID } from '../../server/seed/demo-room';
import { seedDemoRoomIfEmpty } from '../../server/seed/seed';
import { curateHttp, simpleComplaintMapping } from '../support/curate-http';
import { join, send, silentLog, startTestServer, stateHash, type TestServer } from '../support/test-server';

let server: TestServer;
let facilitatorToken: string;

/** The state as it would be in any room: its own id and its version set aside. */
const content = (state: RoomState) => stateHash({ ...state, version: 0, meta: state.meta && { ...state.meta, id: '-' } });

beforeAll(async () => {
	server = await startTestServer();
	await seedDemoRoomIfEmpty(server.app.engine, silentLog);
	facilitatorToken = await server.access.grantDirectly(DEMO_ROOM_ID, 'facilitator', 'Dana');
	const http = curateHttp(server.url, DEMO_ROOM_ID, facilitatorToken);
	// Give the room an uploaded picture and an import, so the backup has files to carry.
	const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#2255aa' } })
		.png()
		.toBuffer();
	const picture = await http.upload(png);
	const socket = await server.client('Dana', { [DEMO_ROOM_ID]: 'facilitator' });
	await join(socket, DEMO_ROOM_ID);
	const state = (await server.app.engine.state(DEMO_ROOM_ID))!;
	const stageId = state.stageOrder[0]!;
	const added = await send(socket, DEMO_ROOM_ID, {
		type: 'artifact.add',
		artifactId: 'uploaded-letter',
		stageId,
		touchpointId: null,
		kind: 'image',
		title: 'Welcome letter, 2025 edition',
		caption: '',
		blobId: picture.body.blobId as string,
		url: null,
		transcript: '',
		currentAsOf: '2025-03-01',
		sensitive: false,
		replacedBy: null,
		file: { name: 'letter.png', mime: 'image/png', size: png.length, thumbBlobId: picture.body.thumbBlobId as string }
	});
	expect(added.ok).toBe(true);
	const csv = await http.upload(
		Buffer.from('date,issue,text\n2025-03-02,=HYPERLINK("http://evil"),@SUM(A1)\n2025-03-03,Fees,-2+3\n'),
		'import'
	);
	const imported = await http.runImport({
		blobId: csv.body.blobId as string,
		fileName: 'march.csv',
		mapping: simpleComplaintMapping(stageId, true),
		dryRun: false
	});
	expect(imported.done).toMatchObject({ ok: true, applied: true });
});
afterAll(async () => server?.close());

describe('backup and restore', () => {
	it('restores the whole room into a new room: identical state, new epoch, every file with it', async () => {
		const http = curateHttp(server.url, DEMO_ROOM_ID, facilitatorToken);
		const backup = await http.get('/export/backup.json');
		expect(backup.status).toBe(200);
		expect(backup.headers.get('content-disposition')).toMatch(/attachment; filename="demo-backup-\d{4}-\d{2}-\d{2}\.json"/);
		const parsed = JSON.parse(backup.text) as {
			state: RoomState;
			room: { epoch: string; version: number };
			blobs: Record<string, unknown>;
		};
		const original = (await server.app.engine.state(DEMO_ROOM_ID))!;
		expect(parsed.room.version).toBe(original.version);
		// The picture, its thumbnail, the import's file and its row keys.
		expect(Object.keys(parsed.blobs).length).toBeGreaterThanOrEqual(4);

		const restored = await http.restore(backup.text);
		expect(restored.status, JSON.stringify(restored.body)).toBe(201);
		const roomId = restored.body.roomId as string;
		expect(roomId).toMatch(/^northwind-bank-customer-room(-\d+)?$/);
		const copy = (await server.app.engine.state(roomId))!;
		expect(copy.meta!.id).toBe(roomId);
		expect(content(copy)).toBe(content(original));

		// A new room has its own history: its epoch is not the backup's.
		const joined = await server.app.engine.join(roomId);
		expect(joined.ok && joined.epoch).not.toBe(parsed.room.epoch);
		// The person who restored it is its facilitator, and its files are there.
		const copyHttp = curateHttp(server.url, roomId, facilitatorToken);
		expect((await copyHttp.get('/export/stages.csv')).status).toBe(200);
		const artifact = copy.artifacts['uploaded-letter']!;
		const thumb = await copyHttp.blob(artifact.file!.thumbBlobId!);
		expect(thumb.headers.get('content-type')).toBe('image/jpeg');
		// And an import into the copy still knows which rows were counted before.
		const record = Object.values(copy.imports)[0]!;
		const again = await copyHttp.runImport({
			blobId: record.blobId,
			fileName: 'march.csv',
			mapping: copy.importMappings.complaints!,
			dryRun: true
		});
		expect(again.done.summary).toMatchObject({ added: 0, duplicates: 2 });
	});

	it('refuses damaged backups and people who are not facilitators, and changes nothing', async () => {
		const http = curateHttp(server.url, DEMO_ROOM_ID, facilitatorToken);
		const rooms = async () => (await server.app.engine.listRooms()).length;
		const before = await rooms();
		const notJson = await http.restore('{"format": "customer-room-backup", ');
		expect(notJson).toMatchObject({ status: 400, body: { error: 'invalid_payload' } });
		expect(notJson.body.message).toMatch(/not JSON/);
		const wrongShape = await http.restore(JSON.stringify({ format: 'something-else' }));
		expect(wrongShape.body.message).toMatch(/not a Customer Room backup/);

		const backup = JSON.parse((await http.get('/export/backup.json')).text) as { blobs: Record<string, { data: string }> };
		const [first] = Object.keys(backup.blobs);
		backup.blobs[first!]!.data = Buffer.from('tampered').toString('base64');
		const tampered = await http.restore(JSON.stringify(backup));
		expect(tampered.status).toBe(400);
		expect(tampered.body.message).toMatch(/damaged/);

		const contributor = await server.access.grantDirectly(DEMO_ROOM_ID, 'contributor', 'Cal');
		expect((await curateHttp(server.url, DEMO_ROOM_ID, contributor).restore('{}')).status).toBe(403);
		expect((await curateHttp(server.url, DEMO_ROOM_ID, contributor).get('/export/backup.json')).status).toBe(403);
		expect((await curateHttp(server.url, DEMO_ROOM_ID, null).restore('{}')).status).toBe(401);
		expect(await rooms()).toBe(before);
	});
});

describe('CSV exports', () => {
	it('gives one CSV per kind that agrees with the room, with formulas defused', async () => {
		const viewer = await server.access.grantDirectly(DEMO_ROOM_ID, 'viewer', 'Vic');
		const http = curateHttp(server.url, DEMO_ROOM_ID, viewer);
		const state = (await server.app.engine.state(DEMO_ROOM_ID))!;
		for (const kind of ['stages', 'touchpoints', 'artifacts', 'complaints', 'verbatims', 'kpis', 'surveys', 'teams', 'wins']) {
			const res = await http.get(`/export/${kind}.csv`);
			expect(res.status, kind).toBe(200);
			expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
			expect(res.text.split('\r\n').length, kind).toBeGreaterThan(1);
		}
		const stages = (await http.get('/export/stages.csv')).text
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\r\n');
		expect(stages.length - 1).toBe(state.stageOrder.length);

		// Every month's complaint count is in the export, and the totals agree.
		const complaints = (await http.get('/export/complaints.csv')).text
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\r\n')
			.slice(1);
		const exportedTotal = complaints.filter((l) => /,all,\d+$/.test(l)).reduce((n, l) => n + Number(l.split(',').at(-1)), 0);
		const roomTotal = Object.values(state.complaints).reduce((n, c) => n + Object.values(c.counts).reduce((a, b) => a + b, 0), 0);
		expect(exportedTotal).toBe(roomTotal);

		// What a customer typed never runs as a formula in a spreadsheet.
		const words = (await http.get('/export/verbatims.csv')).text;
		expect(words).toContain(`'@SUM(A1)`);
		expect(words).toContain(`'-2+3`);
		expect(words).not.toMatch(/,@SUM/);
		const categories = (await http.get('/export/complaints.csv')).text;
		expect(categories).toContain(`"'=HYPERLINK(""http://evil"")"`);

		expect((await http.get('/export/nothing.csv')).status).toBe(404);
		expect((await curateHttp(server.url, DEMO_ROOM_ID, null).get('/export/stages.csv')).status).toBe(401);
	});
});
