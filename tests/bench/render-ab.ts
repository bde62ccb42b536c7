/**
 * An A/B of the wall's first render, for comparing two builds on a busy machine (README, "The wall on TV
 * hardware"): each checkout (built with `npm run build`) runs its own server with the large room, and
 * 4K loads, plain and with the CPU throttled 4x, alternate between them, so both see the same load. For
 * each load: the elapsed time until the wall is complete, and the renderer main thread's own CPU time per
 * trace event (what a busy machine stretches far less). Also prints each side's join answer in bytes.
 *
 *   npx tsx tests/bench/render-ab.ts <old checkout> <new checkout> [rounds]
 *
 * AB_QUOTES=48 first adds 48 quotes to each complaint category (a room fed by monthly imports);
 * AB_SHOTS=<dir> saves a 4K screenshot of each side's wall; AB_OUT=<file> (default /tmp/ab-wall.json) keeps
 * every load's figures. The new checkout's join is tried as a wall too (`as: 'wall'`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { sessionToken, TEST_ADMIN_TOKEN } from '../support/server-process';
import { buildLargeRoom, largeRoomCommands, LARGE_ROOM_ID } from '../support/large-room';
import { join, send } from '../support/test-server';
import { connectClient } from './clients';
import { traceSelfTimes } from './render';
import { BENCH_ENV } from './servers';

const [rootA, rootB] = [process.argv[2]!, process.argv[3]!];
const rounds = Number(process.argv[4] ?? 3);

function start(root: string): Promise<{ url: string; child: ChildProcess }> {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ab-wall-'));
	const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/index.ts')], {
		cwd: root,
		env: {
			...process.env,
			...BENCH_ENV,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			SEED_DEMO: 'false',
			CUSTOMER_ROOM_ANNOUNCE: '1',
			ADMIN_TOKEN: TEST_ADMIN_TOKEN
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	return new Promise((resolve, reject) => {
		let out = '';
		const on = (c: Buffer) => {
			out += c.toString();
			const m = /LISTENING (\d+)/.exec(out);
			if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, child });
		};
		child.stdout!.on('data', on);
		child.stderr!.on('data', on);
		setTimeout(() => reject(new Error(out)), 60_000);
	});
}

async function joinBytes(url: string, token: string, as?: 'wall'): Promise<number> {
	const s = await connectClient(url, token, 'Bench TV');
	const answer = await s.timeout(20_000).emitWithAck('room:join', as ? { roomId: LARGE_ROOM_ID, as } : { roomId: LARGE_ROOM_ID });
	s.disconnect();
	return JSON.stringify(answer).length;
}

async function tracedLoad(browser: Browser, url: string, token: string, throttle: number) {
	const context = await browser.newContext({ viewport: { width: 3840, height: 2160 } });
	await context.addCookies([{ name: 'cr_session', value: token, url, httpOnly: true, sameSite: 'Strict' }]);
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	if (throttle !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
	await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'blink', 'blink.user_timing'] });
	await page.goto(`${url}/rooms/${LARGE_ROOM_ID}/wall`);
	await page.locator('[data-testid="wall-column"]').first().waitFor({ timeout: 120_000 });
	const complete = await page.evaluate(async () => {
		await document.fonts.ready;
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		performance.mark('wall-complete');
		return performance.now();
	});
	const trace = traceSelfTimes(JSON.parse((await browser.stopTracing()).toString('utf8')));
	await context.close();
	return { complete, trace };
}

/** A 4K screenshot of each side's wall, 2.5 s after it is live (its further pages mounted by then). */
async function screenshots(dir: string, tokens: string[]): Promise<void> {
	const browser = await launchChromium();
	try {
		for (const [i, s] of servers.entries()) {
			const context = await browser.newContext({ viewport: { width: 3840, height: 2160 } });
			await context.addCookies([{ name: 'cr_session', value: tokens[i]!, url: s.url, httpOnly: true, sameSite: 'Strict' }]);
			const page = await context.newPage();
			await page.goto(`${s.url}/rooms/${LARGE_ROOM_ID}/wall`);
			await page.locator('[data-testid="wall-connection"][data-state="live"]').waitFor({ timeout: 120_000 });
			await page.waitForTimeout(2500);
			await page.screenshot({ path: path.join(dir, `wall-${i ? 'new' : 'old'}.png`) });
			await context.close();
		}
	} finally {
		await browser.close();
	}
}

const servers = [await start(rootA), await start(rootB)];
try {
	const tokens: string[] = [];
	for (const s of servers) {
		await buildLargeRoom(async () => connectClient(s.url, await sessionToken(s.url, LARGE_ROOM_ID, 'facilitator', 'Curator')), {
			create: true
		});
		tokens.push(await sessionToken(s.url, LARGE_ROOM_ID, 'viewer', 'Bench TV'));
		// AB_QUOTES=n: each complaint category filled up to n quotes, as a room fed by monthly imports is.
		const extra = Number(process.env.AB_QUOTES ?? 0);
		if (extra) {
			const laptop = await connectClient(s.url, await sessionToken(s.url, LARGE_ROOM_ID, 'facilitator', 'Curator'));
			await join(laptop, LARGE_ROOM_ID);
			const categories = largeRoomCommands()
				.flat()
				.flatMap((c) => (c.type === 'complaint.define' ? [c.categoryId] : []));
			for (const categoryId of categories) {
				await Promise.all(
					Array.from({ length: extra }, (_, i) =>
						send(laptop, LARGE_ROOM_ID, {
							type: 'complaint.quote',
							categoryId,
							verbatim: {
								id: `${categoryId}-x${i}`,
								text: 'I called three times about the same charge and every time I was told someone would call me back within two days, which never happened, so I am still paying it.',
								date: `2025-${String(1 + (i % 12)).padStart(2, '0')}-15`,
								channel: 'Phone',
								segment: i % 5 === 0 ? 'Private clients' : null
							}
						})
					)
				);
			}
			laptop.disconnect();
		}
	}
	const bytes = {
		A: await joinBytes(servers[0]!.url, tokens[0]!),
		B_viewer: await joinBytes(servers[1]!.url, tokens[1]!),
		B_wall: await joinBytes(servers[1]!.url, tokens[1]!, 'wall')
	};
	console.log('join bytes', bytes);
	if (process.env.AB_SHOTS) await screenshots(process.env.AB_SHOTS, tokens);
	const browser = await launchChromium();
	const results: Array<{ side: string; throttle: number; complete: number; cpu: number; top: Record<string, number> }> = [];
	try {
		for (const i of [0, 1]) await tracedLoad(browser, servers[i]!.url, tokens[i]!, 1); // warm-up
		for (let round = 0; round < rounds; round++) {
			for (const throttle of [1, 4]) {
				const order = round % 2 ? [1, 0] : [0, 1];
				for (const i of order) {
					const { complete, trace } = await tracedLoad(browser, servers[i]!.url, tokens[i]!, throttle);
					const cpu = trace.reduce((sum, [, , c]) => sum + c, 0);
					const top = Object.fromEntries(trace.slice(0, 14).map(([name, , c]) => [name, Math.round(c)]));
					results.push({ side: i ? 'B' : 'A', throttle, complete: Math.round(complete), cpu: Math.round(cpu), top });
					console.log(
						i ? 'B' : 'A',
						`${throttle}x`,
						'complete',
						Math.round(complete),
						'cpu',
						Math.round(cpu),
						JSON.stringify(top)
					);
				}
			}
		}
	} finally {
		await browser.close();
	}
	writeFileSync(process.env.AB_OUT ?? '/tmp/ab-wall.json', JSON.stringify({ bytes, results }, null, 1));
} finally {
	for (const s of servers) s.child.kill('SIGTERM');
}
