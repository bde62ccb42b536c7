/**
 * Stored files over real HTTP: a file goes only to a member of a room that uses it, with a role that may
 * see it (raw import files to contributors and facilitators, sensitive artifacts not to corridor
 * screens), never to a signed-out browser, an unpaired TV or another room's facilitator; imports read
 * only files uploaded to their own room; files stream, so a range costs the range, not the file.
 */
import { randomBytes } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplaintMapping } from '../../src/lib/domain';
import type { BlobStore } from '../../server/store/port';
import { curateHttp } from '../support/curate-http';
import { join, send, startTestServer, type TestServer } from '../support/test-server';

const A = 'files-a';
const B = 'files-b';

let server: TestServer;
/** Bytes the server read from the blob store, whole (`get`) or streamed (`read`). */
let bytesRead = 0;
const counting = (inner: BlobStore): BlobStore => ({
	put: (bytes, type) => inner.put(bytes, type),
	has: (id) => inner.has(id),
	stat: (id) => inner.stat(id),
	recordUpload: (id, roomId) => inner.recordUpload(id, roomId),
	uploadedTo: (id, roomId) => inner.uploadedTo(id, roomId),
	list: () => inner.list(),
	deleteIfStale: (id, storedBefore) => inner.deleteIfStale(id, storedBefore),
	async get(id) {
		const blob = await inner.get(id);
		bytesRead += blob?.bytes.byteLength ?? 0;
		return blob;
	},
	read(id, range): Readable {
		return inner.read(id, range).pipe(
			new Transform({
				transform(chunk: Buffer, _encoding, done) {
					bytesRead += chunk.length;
					done(null, chunk);
				}
			})
		);
	}
});

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const mapping: ComplaintMapping = {
	kind: 'complaints',
	hasHeader: true,
	dateColumn: { index: 0, name: 'date' },
	dateFormat: 'YYYY-MM-DD',
	idColumn: null,
	segmentColumn: null,
	categoryColumn: { index: 1, name: 'issue' },
	channelColumn: null,
	textColumn: null,
	stageRules: [],
	defaultStageId: 'apply'
};

const ids = { artifact: '', sensitive: '', importFile: '', big: '' };
const tokens = { facilitator: '', contributor: '', viewer: '', otherFacilitator: '', contributorB: '' };
let big: Buffer;

/** A TV paired to room A in `mode`: its session token. */
async function pairedScreen(mode: 'room' | 'corridor'): Promise<string> {
	const started = await fetch(`${server.url}/api/pair/start`, { method: 'POST' });
	const token = /cr_session=([^;]+)/.exec(started.headers.get('set-cookie') ?? '')![1]!;
	const { code } = (await started.json()) as { code: string };
	const claimed = await fetch(`${server.url}/api/rooms/${A}/displays`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: `cr_session=${tokens.facilitator}` },
		body: JSON.stringify({ code, name: `${mode} TV`, mode })
	});
	if (claimed.status !== 200) throw new Error(`pairing answered ${claimed.status}`);
	return token;
}

beforeAll(async () => {
	server = await startTestServer({ wrapBlobs: counting });
	const owner = await server.client('Owner', { [A]: 'facilitator', [B]: 'facilitator' });
	for (const room of [A, B]) {
		for (const command of [
			{ type: 'room.create', name: `Room ${room}`, organisation: 'Test Co' },
			{ type: 'stage.add', stageId: 'apply', name: 'Apply', customerGoal: '' }
		] as const) {
			const result = await send(owner, room, command);
			if (!result.ok) throw new Error(result.message);
			if (command.type === 'room.create') await join(owner, room);
		}
	}
	tokens.facilitator = await server.access.grantDirectly(A, 'facilitator', 'Fran');
	tokens.contributor = await server.access.grantDirectly(A, 'contributor', 'Casey');
	tokens.viewer = await server.access.grantDirectly(A, 'viewer', 'Vic');
	tokens.otherFacilitator = await server.access.grantDirectly(B, 'facilitator', 'Other Fran');
	tokens.contributorB = await server.access.grantDirectly(B, 'contributor', 'Other Casey');

	const casey = curateHttp(server.url, A, tokens.contributor);
	ids.artifact = (await casey.upload(pdf('welcome letter'))).body.blobId as string;
	ids.sensitive = (await casey.upload(pdf('a customer letter with their address'))).body.blobId as string;
	big = Buffer.concat([pdf('recording'), randomBytes(3 * 1_048_576)]);
	ids.big = (await casey.upload(big)).body.blobId as string;
	const artifact = (artifactId: string, blobId: string, sensitive: boolean) =>
		({
			type: 'artifact.add',
			artifactId,
			stageId: 'apply',
			touchpointId: null,
			kind: 'document',
			title: artifactId,
			caption: '',
			blobId,
			url: null,
			transcript: '',
			currentAsOf: null,
			sensitive,
			replacedBy: null
		}) as const;
	for (const command of [
		artifact('letter', ids.artifact, false),
		artifact('private-letter', ids.sensitive, true),
		artifact('big', ids.big, false)
	]) {
		const result = await send(owner, A, command);
		if (!result.ok) throw new Error(result.message);
	}
	const csv = 'date,issue,email\n2026-10-01,Late card,ann@example.com\n2026-10-02,Lost card,bob@example.com\n';
	ids.importFile = (await casey.upload(Buffer.from(csv), 'import')).body.blobId as string;
	const imported = await casey.runImport({ blobId: ids.importFile, fileName: 'october.csv', mapping, dryRun: false });
	if (!imported.done.ok) throw new Error(imported.done.message);
});

afterAll(async () => {
	await server?.close();
});

const fetchAs = (token: string | null, id: string, extra: Record<string, string> = {}) =>
	curateHttp(server.url, A, token).blob(id, extra);

describe('who gets a stored file', () => {
	it('answers a signed-out browser and an unpaired TV with 401, and sends no bytes', async () => {
		for (const id of [ids.artifact, ids.importFile]) {
			const res = await fetchAs(null, id);
			expect(res.status).toBe(401);
			expect(((await res.json()) as { message: string }).message).toMatch(/invite link/);
		}
		const waiting = await fetch(`${server.url}/api/pair/start`, { method: 'POST' });
		const unpaired = /cr_session=([^;]+)/.exec(waiting.headers.get('set-cookie') ?? '')![1]!;
		expect((await fetchAs(unpaired, ids.artifact)).status).toBe(401);
	});

	it("does not give another room's facilitator this room's files, as if they did not exist", async () => {
		for (const id of [ids.artifact, ids.importFile, ids.sensitive]) {
			const res = await fetchAs(tokens.otherFacilitator, id);
			expect(res.status).toBe(404);
		}
		expect((await fetchAs(tokens.otherFacilitator, 'f'.repeat(64))).status).toBe(404);
	});

	it('gives viewers the artifacts but never the raw import file; contributors and facilitators get both', async () => {
		expect((await fetchAs(tokens.viewer, ids.artifact)).status).toBe(200);
		expect((await fetchAs(tokens.viewer, ids.sensitive)).status).toBe(200);
		expect((await fetchAs(tokens.viewer, ids.importFile)).status).toBe(404);
		for (const token of [tokens.contributor, tokens.facilitator]) {
			const res = await fetchAs(token, ids.importFile);
			expect(res.status).toBe(200);
			expect(await res.text()).toContain('ann@example.com');
		}
	});

	it('keeps sensitive artifacts from a corridor screen, not from a screen paired in room mode', async () => {
		const corridor = await pairedScreen('corridor');
		expect((await fetchAs(corridor, ids.artifact)).status).toBe(200);
		expect((await fetchAs(corridor, ids.sensitive)).status).toBe(404);
		expect((await fetchAs(corridor, ids.importFile)).status).toBe(404);
		const roomScreen = await pairedScreen('room');
		expect((await fetchAs(roomScreen, ids.sensitive)).status).toBe(200);
		expect((await fetchAs(roomScreen, ids.importFile)).status).toBe(404);
	});

	it('lets shared caches keep nothing, and revalidates by content id', async () => {
		const res = await fetchAs(tokens.viewer, ids.artifact);
		expect(res.headers.get('cache-control')).toBe('private, max-age=300');
		const etag = res.headers.get('etag')!;
		expect(etag).toBe(`"${ids.artifact}"`);
		expect((await fetchAs(tokens.viewer, ids.artifact, { 'if-none-match': etag })).status).toBe(304);
		// A 304 is still only for members.
		expect((await fetchAs(null, ids.artifact, { 'if-none-match': etag })).status).toBe(401);
	});
});

describe('imports read only files uploaded to their own room', () => {
	it("refuses to inspect or import room A's file from room B, even for B's facilitator", async () => {
		for (const token of [tokens.contributorB, tokens.otherFacilitator]) {
			const fromB = curateHttp(server.url, B, token);
			const inspected = await fromB.inspect(ids.importFile);
			expect(inspected.status).toBe(404);
			expect(inspected.body.message).toBe('That file was not uploaded to this room; upload it here first.');
			expect(JSON.stringify(inspected.body)).not.toContain('ann@example.com');
			const imported = await fromB.runImport({ blobId: ids.importFile, fileName: 'stolen.csv', mapping, dryRun: true });
			expect(imported.status).toBe(404);
		}
		expect(Object.keys((await server.app.engine.state(B))!.imports)).toEqual([]);
		// The same file uploaded to B is B's to import.
		const fromB = curateHttp(server.url, B, tokens.contributorB);
		const own = await fromB.upload(
			Buffer.from('date,issue,email\n2026-10-01,Late card,ann@example.com\n2026-10-02,Lost card,bob@example.com\n'),
			'import'
		);
		expect(own.body.blobId).toBe(ids.importFile);
		expect((await fromB.inspect(ids.importFile)).status).toBe(200);
	});
});

describe('serving by ranges, streamed', () => {
	it('reads only the bytes of a range from the store, not the whole file', async () => {
		bytesRead = 0;
		const res = await fetchAs(tokens.viewer, ids.big, { range: 'bytes=2000000-2000001' });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe(`bytes 2000000-2000001/${big.length}`);
		expect(Buffer.from(await res.arrayBuffer()).equals(big.subarray(2_000_000, 2_000_002))).toBe(true);
		expect(bytesRead).toBe(2);
	});

	it('serves the whole file, a suffix, an open range; 416 for one past the end; HEAD sends no body', async () => {
		const whole = await fetchAs(tokens.viewer, ids.big);
		expect(whole.status).toBe(200);
		expect(whole.headers.get('content-length')).toBe(String(big.length));
		expect(Buffer.from(await whole.arrayBuffer()).equals(big)).toBe(true);
		const suffix = await fetchAs(tokens.viewer, ids.big, { range: 'bytes=-10' });
		expect(Buffer.from(await suffix.arrayBuffer()).equals(big.subarray(big.length - 10))).toBe(true);
		const open = await fetchAs(tokens.viewer, ids.big, { range: `bytes=${big.length - 5}-` });
		expect(open.headers.get('content-range')).toBe(`bytes ${big.length - 5}-${big.length - 1}/${big.length}`);
		const past = await fetchAs(tokens.viewer, ids.big, { range: `bytes=${big.length}-` });
		expect(past.status).toBe(416);
		expect(past.headers.get('content-range')).toBe(`bytes */${big.length}`);
		// Several ranges are not read: the whole file comes back, as HTTP allows.
		const several = await fetchAs(tokens.viewer, ids.big, { range: 'bytes=0-1,5-6' });
		expect(several.status).toBe(200);
		expect((await several.arrayBuffer()).byteLength).toBe(big.length);
		bytesRead = 0;
		const head = await curateHttp(server.url, A, tokens.viewer).blob(ids.big, { range: 'bytes=0-99' }, 'HEAD');
		expect(head.status).toBe(206);
		expect(head.headers.get('content-length')).toBe('100');
		expect(bytesRead).toBe(0);
	});
});
