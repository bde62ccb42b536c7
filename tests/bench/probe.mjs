/**
 * Preloaded into every server the benchmarks start (ours and the raw socket.io baseline) through
 * NODE_OPTIONS=--import, so the servers run unchanged. On SIGUSR2 it prints one line
 *
 *   BENCH_PROBE {"seq":n,"ms":..,"cpuUs":..,"eld":{..},"rss":..,"heapUsed":..,"heapAfterGc":..,..}
 *
 * with what happened since the previous report: CPU time (user + system), event-loop delay (from
 * perf_hooks.monitorEventLoopDelay), then memory before and after a full GC. Plain JavaScript: it loads
 * before tsx does.
 *
 * It also notes when each benchmark command arrives: the moment the server's websocket library hands over a
 * message whose text names a commandId starting `lat-` (the latency benchmark's), on CLOCK_MONOTONIC, the
 * clock the wall workers use. Reported as `arrivals` ({commandId: ms}) with the next probe, so the first
 * wall can be timed from the command arriving rather than from the laptop sending it.
 *
 * With BENCH_CPU_PROF=<dir> it also records a V8 CPU profile (what `node --cpu-prof` writes, which
 * NODE_OPTIONS does not allow), one file per probe window: <dir>/<pid>-probe-<seq>.cpuprofile covers the
 * time up to probe <seq>, and <pid>-exit.cpuprofile the time after the last probe.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** commandId -> when its message arrived (ms, CLOCK_MONOTONIC), since the last probe. */
let arrivals = {};
const MARK = Buffer.from('"commandId":"lat-');
const COMMAND_ID = /"commandId":"(lat-[^"]+)"/;
try {
	// The same module instance engine.io uses (resolved from this project's node_modules).
	const { WebSocket } = createRequire(import.meta.url)('ws');
	const emit = WebSocket.prototype.emit;
	WebSocket.prototype.emit = function (event, data, ...rest) {
		if (event === 'message' && data && data.length < 4096) {
			const at = Number(process.hrtime.bigint()) / 1e6;
			const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
			if (buffer.indexOf(MARK) !== -1) {
				const id = COMMAND_ID.exec(buffer.toString())?.[1];
				if (id && !(id in arrivals)) arrivals[id] = at;
			}
		}
		return emit.call(this, event, data, ...rest);
	};
} catch {
	// No ws here: no arrival times.
}

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
let seq = 0;
let lastCpu = process.cpuUsage();
let lastAt = performance.now();

const ms = (ns) => Math.round((ns / 1e6) * 1000) / 1000;

process.on('SIGUSR2', () => {
	const now = performance.now();
	const cpu = process.cpuUsage(lastCpu);
	const before = process.memoryUsage();
	const eld = {
		p50: ms(histogram.percentile(50)),
		p99: ms(histogram.percentile(99)),
		max: ms(histogram.max),
		mean: ms(histogram.mean),
		count: histogram.count
	};
	gc();
	const after = process.memoryUsage();
	const report = {
		seq: ++seq,
		pid: process.pid,
		ms: Math.round(now - lastAt),
		cpuUs: cpu.user + cpu.system,
		eld,
		rss: before.rss,
		heapUsed: before.heapUsed,
		maxRss: process.resourceUsage().maxRSS * 1024,
		heapAfterGc: after.heapUsed,
		externalAfterGc: after.external,
		arrayBuffersAfterGc: after.arrayBuffers,
		rssAfterGc: after.rss,
		arrivals
	};
	arrivals = {};
	saveProfile(`probe-${seq}`);
	process.stdout.write(`BENCH_PROBE ${JSON.stringify(report)}\n`);
	histogram.reset();
	lastCpu = process.cpuUsage();
	lastAt = performance.now();
});

const profileDir = process.env.BENCH_CPU_PROF;
/** Writes the profile since the last probe (an in-process inspector session answers synchronously). */
let saveProfile = (_name) => {};
if (profileDir) {
	const session = new Session();
	session.connect();
	session.post('Profiler.enable');
	session.post('Profiler.setSamplingInterval', { interval: 200 });
	session.post('Profiler.start');
	saveProfile = (name) => {
		session.post('Profiler.stop', (error, result) => {
			if (!error) writeFileSync(join(profileDir, `${process.pid}-${name}.cpuprofile`), JSON.stringify(result.profile));
		});
		session.post('Profiler.start');
	};
	process.on('exit', () => saveProfile('exit'));
}
