/**
 * The app as startTestServer builds it, but with an access service whose clock the test moves (pairing
 * codes and sessions expire by it), and a quick session sweep.
 */
import type { AddressInfo } from 'node:net';
import { createAccessService, DEFAULT_LIFETIMES, type SessionLifetimes } from '../../server/access/access-service';
import { openFileKv } from '../../server/access/file-kv';
import { createApplication, memoryAttemptsLimiter, memoryCommandLimiter } from '../../server/app';
import { openFileBlobStore } from '../../server/store/file/file-blob-store';
import { openFileEventStore } from '../../server/store/file/file-event-store';
import { tempDir } from './temp-dir';
import { silentLog } from './test-server';

export async function startClockedServer(lifetimes: SessionLifetimes = DEFAULT_LIFETIMES) {
	const tmp = await tempDir();
	const store = await openFileEventStore({ dataDir: tmp.dir });
	const clock = { now: Date.now() };
	// One clock for both: the kv expires records by it, the service checks codes and sessions by it.
	const access = createAccessService(await openFileKv(tmp.dir, () => clock.now), () => clock.now, lifetimes);
	const app = createApplication({
		store,
		blobs: await openFileBlobStore(`${tmp.dir}/blobs`),
		access,
		log: silentLog,
		build: 'test',
		sessionSweepMs: 50,
		limiters: { attempts: memoryAttemptsLimiter(), commands: memoryCommandLimiter(100_000) }
	});
	await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
	return {
		app,
		access,
		url,
		clock,
		async close() {
			await new Promise<void>((resolve) => app.httpServer.close(() => resolve()));
			await app.close();
			await tmp.cleanup();
		}
	};
}
export type ClockedServer = Awaited<ReturnType<typeof startClockedServer>>;
