/**
 * Restoring a backup is held to what every other way in is held to: its files are typed by their bytes
 * (a program or a web page in a crafted backup is refused or stored as something harmless, and no type
 * it claims sticks to those bytes), its room must keep the rules `decide` keeps (or it is refused with
 * the reason), a person may restore only so many, and reading a large one never holds up other rooms.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RoomState } from '../../src/lib/domain';
import { DEMO_ROOM_ID } from '../../server/seed/demo-room';
import { seedDemoRoomIfEmpty } from '../../server/seed/seed';
import { SESSION_COOKIE } from '../../server/http/session';
import { curateHttp } from '../support/curate-http';
import { createRoom, join, quote, send, silentLog, startTestServer, type TestServer } from '../support/test-server';

interface BackupJson {
	format: string;
	formatVersion: number;
	exportedAt: string;
	room: { id: string; version: number; epoch: string };
	state: RoomState;
	blobs: Record<string, { contentType: string; data: string }>;
}

let server: TestServer;
let demo: BackupJson;

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const copy = (backup: BackupJson): BackupJson => structuredClone(backup);
/** A fresh facilitator session of the demo room: each test restores under its own, so limits stay apart. */
const facilitator = async (name = 'Dana') =>
	curateHttp(server.url, DEMO_ROOM_ID, await server.access.grantDirectly(DEMO_ROOM_ID, 'facilitator', name));

/** A DOS stub whose e_lfanew points at a "PE\0\0" header: a Windows program. */
function pe(): Buffer {
	const bytes = Buffer.alloc(512);
	bytes.write('MZ', 0, 'latin1');
	bytes.writeUInt32LE(0x80, 0x3c);
	bytes.write('PE\0\0', 0x80, 'latin1');
	bytes.writeUInt16LE(0x14c, 0x84);
	return bytes;
}
const PAGE = Buffer.from('<!doctype html><html><body><script>fetch("/api/admin")</script>Quarterly figures</body></html>\n');

/** Adds a file to a backup under its true name, claiming `contentType`. */
function carry(backup: BackupJson, bytes: Buffer, contentType: string): string {
	const id = sha(bytes);
	backup.blobs[id] = { contentType, data: bytes.toString('base64') };
	return id;
}

function withArtifact(backup: BackupJson, blobId: string, mime: string): BackupJson {
	const stageId = backup.state.stageOrder[0]!;
	backup.state.artifacts['planted'] = {
		id: 'planted',
		stageId,
		touchpointId: null,
		kind: 'document',
		title: 'Invoice, March',
		caption: '',
		blobId,
		url: null,
		transcript: '',
		currentAsOf: null,
		sensitive: false,
		replacedBy: null,
		file: { name: 'invoice.pdf', mime, size: 512, thumbBlobId: null }
	};
	return backup;
}

beforeAll(async () => {
	server = await startTestServer();
	await seedDemoRoomIfEmpty(server.app.engine, silentLog);
	demo = JSON.parse((await (await facilitator()).get('/export/backup.json')).text) as BackupJson;
});
afterAll(async () => server?.close());

describe('files in a backup are typed by their bytes', () => {
	it('refuses a backup carrying a Windows program as an artifact, and stores none of its files', async () => {
		const http = await facilitator();
		const backup = copy(demo);
		const program = pe();
		withArtifact(backup, carry(backup, program, 'application/pdf'), 'application/pdf');
		const rooms = (await server.app.engine.listRooms()).length;
		const answer = await http.restore(JSON.stringify(backup));
		expect(answer.status).toBe(415);
		expect(answer.body.message).toMatch(/Invoice, March/);
		expect(answer.body.message).toMatch(/Windows program/);
		expect(await server.blobs.has(sha(program))).toBe(false);
		expect((await server.app.engine.listRooms()).length).toBe(rooms);
	});

	it('stores a web page carried as an import original as CSV text, never as a page, and leaves files nothing refers to behind', async () => {
		const http = await facilitator();
		const backup = copy(demo);
		const pageId = carry(backup, PAGE, 'text/html');
		const stray = Buffer.from('<html><body>not referenced by the room</body></html>');
		carry(backup, stray, 'text/html');
		backup.state.imports['import-page'] = {
			id: 'import-page',
			kind: 'complaints',
			fileName: 'march.csv',
			blobId: pageId,
			keysBlobId: null,
			rows: 1,
			added: 0,
			duplicates: 0,
			errors: 1,
			at: '2025-03-02T10:00:00.000Z',
			by: 'Dana'
		};
		const answer = await http.restore(JSON.stringify(backup));
		expect(answer.status, JSON.stringify(answer.body)).toBe(201);
		expect((await server.blobs.get(pageId))?.contentType).toBe('text/csv');
		expect(await server.blobs.has(sha(stray))).toBe(false);
	});

	it('a type stored for some bytes earlier does not stick: uploading the same bytes types them again', async () => {
		// As an older server's restore left it: a page stored under the type the backup claimed.
		const planted = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n');
		await server.blobs.put(planted, 'text/html');
		const upload = await (await facilitator()).upload(planted, 'import');
		expect(upload.status).toBe(201);
		expect(upload.body.blobId).toBe(sha(planted));
		expect((await server.blobs.get(sha(planted)))?.contentType).toBe('text/csv');
	});
});

describe('a restored room keeps the rules', () => {
	const refusals: Array<[string, (b: BackupJson) => void, RegExp]> = [
		[
			'two stages sharing one id (the board crashed on it)',
			(b) => {
				const [first, second] = b.state.stageOrder;
				b.state.stages[second!] = { ...b.state.stages[second!]!, id: first! };
			},
			/filed under .* says its id is/
		],
		[
			'a stage twice in the order of stages',
			(b) => b.state.stageOrder.push(b.state.stageOrder[0]!),
			/appears twice in the order of stages/
		],
		[
			'a touchpoint in a stage that does not exist',
			(b) => {
				const touchpoint = Object.values(b.state.touchpoints)[0]!;
				touchpoint.stageId = 'gone';
			},
			/No stage gone/
		],
		[
			'a fix team from one department',
			(b) => {
				const team = Object.values(b.state.teams)[0]!;
				team.members = team.members.map((m) => ({ ...m, department: 'Sales' }));
			},
			/at least two departments/
		],
		[
			'more quotes in a category than a room keeps',
			(b) => {
				const category = Object.values(b.state.complaints)[0]!;
				category.verbatims = Array.from({ length: 51 }, (_, i) => ({
					id: `v${i}`,
					text: 'Too slow',
					date: '2025-01-01',
					channel: 'Email',
					segment: null
				}));
			},
			/at most 50/
		],
		[
			'a win for a team that does not exist',
			(b) => {
				const win = Object.values(b.state.wins)[0]!;
				win.teamId = 'no-such-team';
			},
			/names a fix team that does not exist/
		]
	];
	it.each(refusals)('refuses %s, saying why, and makes no room', async (_what, breakIt, reason) => {
		const http = await facilitator();
		const backup = copy(demo);
		breakIt(backup);
		const rooms = (await server.app.engine.listRooms()).length;
		const answer = await http.restore(JSON.stringify(backup));
		expect(answer.status).toBe(400);
		expect(answer.body.message).toMatch(/^This backup cannot be restored\./);
		expect(answer.body.message).toMatch(reason);
		expect((await server.app.engine.listRooms()).length).toBe(rooms);
	});

	it('still restores a good backup', async () => {
		const answer = await (await facilitator()).restore(JSON.stringify(demo));
		expect(answer.status, JSON.stringify(answer.body)).toBe(201);
		const state = (await server.app.engine.state(answer.body.roomId as string))!;
		expect(state.stageOrder).toEqual(demo.state.stageOrder);
		expect(Object.keys(state.teams)).toEqual(Object.keys(demo.state.teams));
	});
});

describe('restores are limited and never hold up other rooms', () => {
	it('lets one person restore five backups an hour, and says when the next may come', async () => {
		const http = await facilitator('Rita');
		for (let i = 0; i < 5; i++) expect((await http.restore(JSON.stringify(demo))).status).toBe(201);
		const sixth = await http.restore(JSON.stringify(demo));
		expect(sixth.status).toBe(429);
		expect(sixth.body).toMatchObject({ error: 'rate_limited' });
		expect(sixth.body.message).toMatch(/Try again in \d+ minutes?\./);
		// Someone else may still restore.
		expect((await (await facilitator('Ola')).restore(JSON.stringify(demo))).status).toBe(201);
	});

	it("acknowledges another room's command while a large backup is being read", async () => {
		const socket = await server.client('Omar');
		await createRoom(socket, 'r2');
		expect((await join(socket, 'r2')).ok).toBe(true);
		// About 80 MB of JSON, whose one file is damaged: refused once all of it was read and hashed.
		const backup = copy(demo);
		const big = Buffer.alloc(60 * 1_048_576, 7);
		backup.blobs['0'.repeat(64)] = { contentType: 'application/pdf', data: big.toString('base64') };
		const body = Buffer.from(JSON.stringify(backup));
		const token = await server.access.grantDirectly(DEMO_ROOM_ID, 'facilitator', 'Bea');
		const order: string[] = [];
		const restored = new Promise<number>((resolve, reject) => {
			const req = request(`${server.url}/api/rooms/restore`, {
				method: 'POST',
				headers: {
					cookie: `${SESSION_COOKIE}=${token}`,
					'content-type': 'application/json',
					'content-length': body.length,
					origin: server.url
				}
			});
			req.on('response', (res) => {
				res.resume();
				res.on('end', () => {
					order.push('restore answered');
					resolve(res.statusCode ?? 0);
				});
			});
			req.on('error', reject);
			// Once the whole body has left, the server is reading it: send a command to another room.
			req.end(body, () => {
				setTimeout(() => {
					void send(socket, 'r2', quote('Still here', 1)).then((result) => {
						expect(result.ok).toBe(true);
						order.push('command acknowledged');
					});
				}, 50);
			});
		});
		expect(await restored).toBe(400);
		await expect.poll(() => order.length).toBe(2);
		expect(order).toEqual(['command acknowledged', 'restore answered']);
	});
});
