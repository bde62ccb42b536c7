/**
 * How long restoring a large backup holds up the event loop (other rooms' commands wait that long), and
 * what the server's memory does after it. Not part of `npm run bench` yet; run on its own:
 *
 *   npx tsx --expose-gc tests/bench/restore.ts [file MB, default 46]
 *
 * A test server (embedded store) takes the demo room's backup plus one PDF of the given size (about 61 MB
 * of JSON for 46 MB), posted by curl from another process so the client's own work is not counted.
 * Prints the longest event-loop stall (monitorEventLoopDelay, 5 ms resolution) during the request and the
 * RSS change once it is answered. On a shared machine the stall also counts time the OS gave to others.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SESSION_COOKIE } from '../../server/http/session';
import { DEMO_ROOM_ID } from '../../server/seed/demo-room';
import { seedDemoRoomIfEmpty } from '../../server/seed/seed';
import { silentLog, startTestServer } from '../support/test-server';
import { tempDir } from '../support/temp-dir';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const fileMb = Number(process.argv[2] ?? 46);
const server = await startTestServer();
const scratch = await tempDir();
await seedDemoRoomIfEmpty(server.app.engine, silentLog);
const cookie = `${SESSION_COOKIE}=${await server.access.grantDirectly(DEMO_ROOM_ID, 'facilitator', 'Dana')}`;
const backup = JSON.parse(
	await (await fetch(`${server.url}/api/rooms/${DEMO_ROOM_ID}/export/backup.json`, { headers: { cookie } })).text()
);
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(fileMb * 1_048_576, 65)]);
const id = createHash('sha256').update(pdf).digest('hex');
backup.blobs[id] = { contentType: 'application/pdf', data: pdf.toString('base64') };
backup.state.artifacts.big = {
	id: 'big',
	stageId: backup.state.stageOrder[0],
	touchpointId: null,
	kind: 'document',
	title: 'Big',
	caption: '',
	blobId: id,
	url: null,
	transcript: '',
	currentAsOf: null,
	sensitive: false,
	replacedBy: null,
	file: { name: 'big.pdf', mime: 'application/pdf', size: pdf.length, thumbBlobId: null }
};
const bodyFile = `${scratch.dir}/backup.json`;
const body = Buffer.from(JSON.stringify(backup));
writeFileSync(bodyFile, body);
gc();
await new Promise((resolve) => setTimeout(resolve, 300));
const rssBefore = process.memoryUsage().rss;
const stalls = monitorEventLoopDelay({ resolution: 5 });
stalls.enable();
const started = Date.now();
const out = await new Promise<string>((resolve, reject) =>
	execFile(
		'curl',
		[
			'-s',
			'-w',
			'\n%{http_code}',
			'-H',
			`cookie: ${cookie}`,
			'-H',
			'content-type: application/json',
			'--data-binary',
			`@${bodyFile}`,
			`${server.url}/api/rooms/restore`
		],
		(error, stdout) => (error ? reject(error) : resolve(stdout))
	)
);
const took = Date.now() - started;
stalls.disable();
await new Promise((resolve) => setTimeout(resolve, 500));
gc();
const status = out.split('\n').at(-1);
console.log(
	JSON.stringify({
		status,
		backupMB: +(body.length / 1_048_576).toFixed(1),
		tookMs: took,
		longestStallMs: Math.round(stalls.max / 1e6),
		p99DelayMs: +(stalls.percentile(99) / 1e6).toFixed(1),
		rssChangeMiB: Math.round((process.memoryUsage().rss - rssBefore) / 1_048_576)
	})
);
await server.close();
await scratch.cleanup();
process.exit(0);
