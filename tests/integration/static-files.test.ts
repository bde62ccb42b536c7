/**
 * A build replaced under a running server: adapter-node serves the build's files with sirv, which looks the
 * files up once at start, then answers with `res.writeHead(...)` and `fs.createReadStream(file).pipe(res)`,
 * with no error handler on the stream. A file that has gone since start must cost that one response, not
 * the process. The pages handler here does exactly what sirv does.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
let files: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
	files = await tempDir();
	await writeFile(path.join(files.dir, 'present.js'), 'console.log("still here");\n');
	server = await startTestServer({
		pages(req, res, next) {
			const name = req.url?.match(/^\/_app\/immutable\/(\w+\.js)$/)?.[1];
			if (!name) return next();
			res.writeHead(200, { 'content-type': 'text/javascript' });
			createReadStream(path.join(files.dir, name)).pipe(res);
		}
	});
});

afterAll(async () => {
	await server?.close();
	await files?.cleanup();
});

describe('static files that vanished since start', () => {
	it('cuts that one response and keeps serving', async () => {
		const gone = fetch(`${server.url}/_app/immutable/vanished.js`).then((res) => res.text());
		await expect(gone).rejects.toThrow();

		const present = await fetch(`${server.url}/_app/immutable/present.js`);
		expect(present.status).toBe(200);
		expect(await present.text()).toContain('still here');
		expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
	});
});
