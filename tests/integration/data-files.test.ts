/**
 * Data files are the owner's alone: every file the embedded store writes (room logs, snapshots, access data,
 * uploaded files, the lock) is created 0600 and every folder 0700, checked with fs.stat after a real run.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curateHttp } from '../support/curate-http';
import { tempDir } from '../support/temp-dir';
import { createRoom, quote, send, startTestServer, type TestServer } from '../support/test-server';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
let dataDir: string;

beforeAll(async () => {
	tmp = await tempDir();
	// A data dir that does not exist yet: the server makes it, and every folder in it.
	dataDir = path.join(tmp.dir, 'data');
	server = await startTestServer({ dataDir, snapshotEvery: 10 });
	const owner = await server.client('Owner', { r1: 'facilitator' });
	await createRoom(owner, 'r1');
	for (let n = 0; n < 15; n++) await send(owner, 'r1', quote(`Quote ${n}`, n));
	await server.access.rotateInvite('r1', 'viewer');
	const http = curateHttp(server.url, 'r1', await server.access.grantDirectly('r1', 'contributor', 'Casey'));
	const uploaded = await http.upload(Buffer.from('%PDF-1.4\n% a letter\n%%EOF\n'));
	if (uploaded.status !== 201) throw new Error('upload failed');
	await server.app.engine.flush();
});

afterAll(async () => {
	await server?.close();
	await tmp?.cleanup();
});

async function walk(dir: string): Promise<string[]> {
	const out = [dir];
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) out.push(...(await walk(full)));
		else out.push(full);
	}
	return out;
}

describe('data files', () => {
	it('are created 0600 in folders created 0700', async () => {
		const entries = await walk(dataDir);
		const modes = await Promise.all(
			entries.map(async (p) => ({
				p: path.relative(dataDir, p) || '.',
				dir: (await stat(p)).isDirectory(),
				mode: (await stat(p)).mode & 0o777
			}))
		);
		// Something of each kind was written: a room log and snapshot, access data, a blob, the lock.
		const names = modes.map((m) => m.p).join('\n');
		expect(names).toMatch(/rooms\/r1\//);
		expect(names).toMatch(/access\.json/);
		expect(names).toMatch(/blobs\/[0-9a-f]{2}\/[0-9a-f]{64}$/m);
		expect(modes.filter((m) => m.dir).length).toBeGreaterThan(3);
		const wrong = modes.filter((m) => m.mode !== (m.dir ? 0o700 : 0o600)).map((m) => `${m.p} ${m.mode.toString(8)}`);
		expect(wrong).toEqual([]);
	});
});
