/**
 * Several real server processes (the production entry, server/index.ts) in Redis mode on one Redis, each
 * with its own temp dir, so a test can kill one with SIGKILL and start another in its place.
 */
import { startServerProcess, type ServerProcess } from './server-process';
import { tempDir } from './temp-dir';

export interface InstancePool {
	/** Instances whose process is still running. */
	alive: Set<ServerProcess>;
	/** Every instance started, running or not (for a failed test's diagnostics). */
	all(): ServerProcess[];
	/** Ports of the running instances (for a balancer). */
	ports(): number[];
	/** Starts one more instance (with `env` beside the pool's); resolves once it listens. */
	start(env?: Record<string, string>): Promise<ServerProcess>;
	/** Kills every instance it started and removes their dirs. */
	stopAll(): Promise<void>;
}

export function instancePool(redisUrl: string, env: Record<string, string> = {}): InstancePool {
	const alive = new Set<ServerProcess>();
	const started: Array<{ instance: ServerProcess; cleanup: () => Promise<void> }> = [];
	return {
		alive,
		ports: () => [...alive].map((i) => i.port),
		all: () => started.map((s) => s.instance),
		async start(extra: Record<string, string> = {}) {
			const { dir, cleanup } = await tempDir();
			const instance = await startServerProcess(dir, { REDIS_URL: redisUrl, ...env, ...extra }).catch(async (error: unknown) => {
				await cleanup();
				throw error;
			});
			alive.add(instance);
			void instance.exited.then(() => alive.delete(instance));
			started.push({ instance, cleanup });
			return instance;
		},
		async stopAll() {
			for (const { instance, cleanup } of started.splice(0)) {
				instance.child.kill('SIGKILL');
				await instance.exited;
				await cleanup();
			}
		}
	};
}
