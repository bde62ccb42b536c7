/**
 * The wall in real Chromium against the real server (a child process on a temp data dir): it fits
 * 1080p and 4K with the demo room and a large generated room (no scrolling, no text out of its box, no
 * text under 1/54 of the screen height), shows a change from another client within a second, follows
 * the spotlight, celebrates a win and stops by itself, and survives a server crash without a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
import { launchChromium } from '../support/browser';
import { buildLargeRoom, LARGE_ROOM_ID } from '../support/large-room';
import { openPage } from '../support/pages';
import { pageScriptSize } from '../support/page-scripts';
import { freePort, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { join, send, type TestSocket } from '../support/test-server';

const SIZES = [
	{ name: '1080p', width: 1920, height: 1080 },
	{ name: '4K', width: 3840, height: 2160 }
] as const;
const LIVE = '[data-testid="wall-connection"][data-state="live"]';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
let dataDir: string;
let port: number;
let facilitator: TestSocket;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	dataDir = tmp.dir;
	port = await freePort();
	[server, browser] = await Promise.all([
		startServerProcess(dataDir, { SEED_DEMO: 'true', PORT: String(port) }),
		launchChromium()
	]);
	await buildLargeRoom(() => connectClient('Curator', LARGE_ROOM_ID), { create: true });
	facilitator = await connectClient('Facilitator', 'demo');
	const joined = await join(facilitator, 'demo');
	if (!joined.ok) throw new Error(joined.message);
}, 90_000);

afterAll(async () => {
	facilitator?.disconnect();
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

/** A socket with a facilitator session for `roomId` (which may not exist yet). */
async function connectClient(name: string, roomId: string): Promise<TestSocket> {
	const token = await sessionToken(server.url, roomId, 'facilitator', name);
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		auth: { name, token },
		forceNew: true,
		reconnection: false
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

async function command(c: Command): Promise<void> {
	const result = await send(facilitator, 'demo', c);
	if (!result.ok) throw new Error(`${c.type}: ${result.message}`);
}

/** A wall signed in as a viewer (a TV), live and laid out (web font loaded); `token`: a paired TV's session. */
async function openWall(path: string, size: { width: number; height: number } = SIZES[0], token?: string): Promise<Page> {
	const page = await openPage(browser, server.url, path, {
		role: 'viewer',
		token,
		name: 'Corridor TV',
		viewport: { width: size.width, height: size.height },
		waitFor: LIVE
	});
	await page.evaluate(() => document.fonts.ready.then(() => undefined));
	await page.locator('[data-testid="wall-column"], [data-testid="wall-spotlight"]').first().waitFor();
	// A column renders its further pages a moment after its first one: what it hides is judged on all of it.
	await page.waitForFunction(() => !document.querySelector('[data-testid="wall-column"][data-complete="false"]'));
	// Two frames: the columns measure their pages after the first layout.
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
	return page;
}

// ------------------------------------------------------------------------------------------------
// The ten-foot rules, measured in the page (self-contained: it runs inside Chromium).
// ------------------------------------------------------------------------------------------------

interface LayoutReport {
	scroll: { width: number; height: number; innerWidth: number; innerHeight: number };
	texts: number;
	smallest: { px: number; text: string };
	problems: string[];
}

/**
 * Every rendered text node, on every page of every column (not only the page on show): its box must lie
 * inside the screen, inside every clipping ancestor, and for paged columns inside one lane of one page;
 * its element must not be wider than its box. Also returns the smallest font size.
 */
function measureLayout(): LayoutReport {
	const problems: string[] = [];
	const iw = window.innerWidth;
	const ih = window.innerHeight;
	const T = 1;
	let smallest = { px: Infinity, text: '' };
	let texts = 0;
	const inside = (r: DOMRect, b: DOMRect) =>
		r.left >= b.left - T && r.right <= b.right + T && r.top >= b.top - T && r.bottom <= b.bottom + T;

	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
		const el = node.parentElement;
		if (!text || !el || el.closest('.sr-only, script, style, title, #svelte-announcer')) continue;
		const range = document.createRange();
		range.selectNodeContents(node);
		const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
		const style = getComputedStyle(el);
		if (rects.length === 0 || style.visibility === 'hidden') continue;
		texts++;
		const px = parseFloat(style.fontSize);
		if (px < smallest.px) smallest = { px, text: text.slice(0, 60) };
		const where = `"${text.slice(0, 50)}"`;
		const viewport = el.closest('[data-wall-viewport]') as HTMLElement | null;

		const clippers: Element[] = [];
		for (let a = el.parentElement; a && a !== viewport && a !== document.body; a = a.parentElement) {
			const s = getComputedStyle(a);
			if (s.overflowX !== 'visible' || s.overflowY !== 'visible') clippers.push(a);
		}
		for (const r of rects) {
			if (viewport) {
				const box = viewport.getBoundingClientRect();
				const lanes = Number(viewport.dataset.lanes ?? '1');
				const gap = parseFloat(getComputedStyle(viewport.firstElementChild as Element).columnGap) || 0;
				const laneWidth = (box.width - (lanes - 1) * gap) / lanes;
				const step = laneWidth + gap;
				const x = r.left - (box.left - viewport.scrollLeft);
				const laneLeft = Math.floor((x + T) / step) * step;
				if (x < laneLeft - T || x + r.width > laneLeft + laneWidth + T) problems.push(`${where} crosses a page or lane edge`);
				if (r.top < box.top - T || r.bottom > box.bottom + T) problems.push(`${where} is cut at the top or bottom of its column`);
			} else if (!inside(r, new DOMRect(0, 0, iw, ih))) {
				problems.push(`${where} is outside the screen`);
			}
			for (const c of clippers) if (!inside(r, c.getBoundingClientRect())) problems.push(`${where} overflows its box`);
		}
		if (style.display !== 'inline' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + T) {
			problems.push(`${where} is wider than its box (${el.scrollWidth} > ${el.clientWidth})`);
		}
	}
	return {
		scroll: {
			width: document.documentElement.scrollWidth,
			height: document.documentElement.scrollHeight,
			innerWidth: iw,
			innerHeight: ih
		},
		texts,
		smallest,
		problems: [...new Set(problems)]
	};
}

async function expectTenFoot(page: Page, what: string): Promise<LayoutReport> {
	const report = await page.evaluate(measureLayout);
	expect(report.problems, what).toEqual([]);
	expect({ width: report.scroll.width, height: report.scroll.height }, `${what}: the document never scrolls`).toEqual({
		width: report.scroll.innerWidth,
		height: report.scroll.innerHeight
	});
	expect(report.smallest.px, `${what}: smallest text "${report.smallest.text}"`).toBeGreaterThanOrEqual(
		report.scroll.innerHeight / 54
	);
	expect(report.texts, what).toBeGreaterThan(20);
	return report;
}

/** How many screens of stages the wall pages through. */
async function screenCount(page: Page): Promise<number> {
	const indicator = page.locator('[data-testid="wall-screen-indicator"] .big');
	if ((await indicator.count()) === 0) return 1;
	return Number(/\/\s*(\d+)/.exec((await indicator.textContent()) ?? '')?.[1] ?? 1);
}

describe('the wall fits a TV', () => {
	for (const size of SIZES) {
		for (const room of ['demo', LARGE_ROOM_ID]) {
			it(`${room} room at ${size.name}: every screen fits, nothing overflows, no text under 1/54 of the height`, async () => {
				const first = await openWall(`/rooms/${room}/wall?screen=1`, size);
				const screens = await screenCount(first);
				expect(screens, 'more stages than fit page across screens').toBe(room === 'demo' ? 2 : 3);
				expect(await first.locator('[data-testid="wall-column"]').count()).toBeLessThanOrEqual(5);
				await expectTenFoot(first, `${room}, ${size.name}, screen 1`);
				await first.context().close();
				for (let screen = 2; screen <= screens; screen++) {
					const page = await openWall(`/rooms/${room}/wall?screen=${screen}`, size);
					await expectTenFoot(page, `${room}, ${size.name}, screen ${screen}`);
					await page.context().close();
				}
			});
		}
	}

	it('corridor mode hides sensitive artifacts and every verbatim; rotation shows one stage, larger', async () => {
		const room = await openWall('/rooms/demo/wall?screen=2');
		expect(await room.locator('[data-testid="wall-artifact-a-collections-letter"]').count()).toBe(1);
		expect(await room.locator('[data-testid="wall-verbatim"], [data-testid="wall-transcript"]').count()).toBeGreaterThan(0);
		await room.context().close();

		const corridor = await openWall('/rooms/demo/wall?mode=corridor&screen=2');
		expect(await corridor.locator('[data-testid="wall-corridor-chip"]').count()).toBe(1);
		expect(await corridor.locator('[data-testid="wall-artifact-a-collections-letter"]').count()).toBe(0);
		expect(await corridor.locator('[data-testid="wall-artifact-a-call-wrong-debt"]').count()).toBe(0);
		expect(await corridor.locator('[data-testid="wall-verbatim"], [data-testid="wall-transcript"]').count()).toBe(0);
		await expectTenFoot(corridor, 'corridor');
		await corridor.context().close();

		const rotating = await openWall('/rooms/demo/wall?mode=corridor&rotate=30');
		expect(await rotating.locator('[data-testid="wall-column"]').count()).toBe(1);
		expect(await rotating.locator('[data-wall-viewport]').getAttribute('data-lanes')).toBe('3');
		await expectTenFoot(rotating, 'rotation');
		await rotating.context().close();
	});

	it('a TV paired as a corridor display stays in corridor view when its URL asks for room mode', async () => {
		// Paired as the /tv and /pair pages do it: the TV's session comes from /api/pair/start.
		const started = await fetch(`${server.url}/api/pair/start`, { method: 'POST' });
		const tvToken = /cr_session=([^;]+)/.exec(started.headers.get('set-cookie') ?? '')?.[1] ?? '';
		const { code } = (await started.json()) as { code: string };
		const fran = await sessionToken(server.url, 'demo', 'facilitator', 'Fran');
		const claimed = await fetch(`${server.url}/api/rooms/demo/displays`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: `cr_session=${fran}` },
			body: JSON.stringify({ code, name: 'Lobby TV', mode: 'corridor' })
		});
		expect(claimed.status).toBe(200);
		const { displayId } = (await claimed.json()) as { displayId: string };

		const tv = await openWall(`/rooms/demo/wall?display=${displayId}&mode=room&screen=2`, SIZES[0], tvToken);
		expect(await tv.locator('[data-testid="wall"]').getAttribute('data-mode')).toBe('corridor');
		expect(await tv.locator('[data-testid="wall-corridor-chip"]').count()).toBe(1);
		expect(await tv.locator('[data-testid="wall-artifact-a-collections-letter"]').count()).toBe(0);
		expect(await tv.locator('[data-testid="wall-verbatim"], [data-testid="wall-transcript"]').count()).toBe(0);
		await tv.context().close();
	});

	it('a segment filter counts only that segment', async () => {
		const page = await openWall('/rooms/demo/wall?segment=Private%20clients&screen=1');
		expect(await page.locator('[data-testid="wall-segment-chip"]').textContent()).toContain('Private clients');
		// Only categories with counts for the segment remain: Everyday banking has two, Discover none.
		expect(await page.locator('[data-testid="wall-complaint-c-fees"]').count()).toBe(1);
		expect(await page.locator('[data-testid="wall-complaint-c-promo"]').count()).toBe(0);
		await expectTenFoot(page, 'segment');
		await page.context().close();
	});
});

describe('the wall is live', () => {
	it('shows a change from another client within a second, on screen, and reports its JavaScript size', async () => {
		const page = await openWall('/rooms/demo/wall');
		// Every script the page loaded (entry, route, shared chunks), gzipped as a server would send it.
		const { files, gzipBytes } = await pageScriptSize(page);
		console.log(`wall JavaScript: ${files} files, ${(gzipBytes / 1024).toFixed(1)} KiB gzip`);
		expect(files).toBeGreaterThan(2);
		expect(gzipBytes).toBeLessThan(140 * 1024);

		// "Repayments" sits on the second screen of the demo journey: the wall must bring it up.
		const row = page.locator('[data-testid="wall-touchpoint-tp-repayments"]');
		const seen = page.waitForSelector('[data-testid="wall-touchpoint-tp-repayments"][data-maturity="reliable"]', {
			timeout: 1_000
		});
		await command({
			type: 'touchpoint.assess',
			touchpointId: 'tp-repayments',
			maturity: 'reliable',
			evidence: 'Audit of 200 direct debits'
		});
		await seen;
		const onScreen = await row.evaluate((el) => {
			const r = el.getBoundingClientRect();
			const v = el.closest('[data-wall-viewport]')!.getBoundingClientRect();
			return r.left >= v.left - 1 && r.right <= v.right + 1 && r.top >= v.top - 1 && r.bottom <= v.bottom + 1;
		});
		expect(onScreen, 'the changed touchpoint is on the page on show').toBe(true);
		await expect.poll(() => row.evaluate((el) => el.classList.contains('flash'))).toBe(true);
		await page.context().close();
	});

	it('shows the spotlight large until it is released', async () => {
		const page = await openWall('/rooms/demo/wall');
		const targets = [
			{ kind: 'team', id: 't-one-sitting' },
			{ kind: 'stage', id: 'help' },
			{ kind: 'kpi', id: 'k-fcr' },
			{ kind: 'survey', id: 's-everyday-nps' },
			{ kind: 'complaint', id: 'c-not-owed' },
			{ kind: 'touchpoint', id: 'tp-app-application' },
			{ kind: 'artifact', id: 'a-call-wrong-debt' },
			{ kind: 'win', id: 'w-card-first' }
		] as const;
		try {
			for (const target of targets) {
				const shown = page.waitForSelector(`[data-testid="wall-spotlight"][data-target-id="${target.id}"]`, { timeout: 1_000 });
				await command({ type: 'spotlight.set', target });
				await shown;
				await expectTenFoot(page, `spotlight on ${target.kind}`);
			}
		} catch (error) {
			await send(facilitator, 'demo', { type: 'spotlight.clear' });
			throw error;
		}
		const gone = page.waitForSelector('[data-testid="wall-spotlight"]', { state: 'detached', timeout: 1_000 });
		await command({ type: 'spotlight.clear' });
		await gone;
		expect(await page.locator('[data-testid="wall-column"]').count()).toBeGreaterThan(0);
		await page.context().close();
	});

	it('follows a recorded call playing in the room, large, until it stops', async () => {
		const page = await openWall('/rooms/demo/wall');
		// On the board, a call is labelled as a recording, with no play mark: nobody can press a wall.
		const card = page.locator('[data-testid="wall-artifact-a-call-stuck-at-id"]');
		await card.waitFor({ state: 'attached' });
		expect(await card.locator('[data-icon="play"]').count()).toBe(0);
		expect(await card.locator('button, a, [role="button"]').count()).toBe(0);
		expect(await card.getByTestId('recording-label').count()).toBe(1);
		expect(await card.textContent()).toContain('Recorded call');
		const shown = page.waitForSelector('[data-testid="wall-now-playing"][data-artifact-id="a-call-stuck-at-id"]', {
			timeout: 1_000
		});
		await command({ type: 'call.play', artifactId: 'a-call-stuck-at-id', positionSec: 200 });
		await shown;
		expect(Number(await page.locator('[data-testid="wall-now-playing"]').getAttribute('data-line'))).toBeGreaterThan(0);
		await expectTenFoot(page, 'a call playing');
		const gone = page.waitForSelector('[data-testid="wall-now-playing"]', { state: 'detached', timeout: 1_000 });
		await command({ type: 'call.stop' });
		await gone;
		await page.context().close();
	});

	it('celebrates a win full screen, then goes back to the board by itself', async () => {
		const page = await openWall('/rooms/demo/wall?celebrate=2');
		const shown = page.waitForSelector('[data-testid="celebration"]', { timeout: 1_000 });
		await command({
			type: 'win.mark',
			winId: 'w-no-wrong-debt',
			teamId: 't-wrong-debt',
			stageId: 'help',
			headline: 'No more calls about debts customers do not owe',
			before: '61 complaints a month',
			after: '9 complaints a month'
		});
		await shown;
		const started = Date.now();
		const text = await page.locator('[data-testid="celebration"]').textContent();
		expect(text).toContain('No more calls about debts');
		expect(text).toContain('61 complaints a month');
		expect(text).toContain('9 complaints a month');
		await expectTenFoot(page, 'celebration');
		await page.locator('[data-testid="celebration"]').waitFor({ state: 'detached', timeout: 4_000 });
		expect(Date.now() - started).toBeGreaterThan(1_000);
		expect(await page.locator('[data-testid="wall-column"]').count()).toBeGreaterThan(0);
		await page.context().close();
	});

	it('a screen without access says so, then turns into the pairing screen', async () => {
		const page = await openPage(browser, server.url, '/rooms/demo/wall', {
			anonymous: true,
			waitFor: '[data-testid="wall-no-access"]'
		});
		await page.waitForURL(/\/tv$/, { timeout: 6_000 });
		await page.context().close();
	});

	it('survives the server being killed and restarted: current data, no reload', async () => {
		const page = await openWall('/rooms/demo/wall');
		await page.evaluate(() => ((window as unknown as { wallMarker: string }).wallMarker = 'first load'));
		server.child.kill('SIGKILL');
		await server.exited;
		await expect
			.poll(() => page.locator('[data-testid="wall-connection"]').getAttribute('data-state'), { timeout: 10_000 })
			.not.toBe('live');

		server = await startServerProcess(dataDir, { SEED_DEMO: 'true', PORT: String(port) });
		facilitator.disconnect();
		facilitator = await connectClient('Facilitator', 'demo');
		const joined = await join(facilitator, 'demo');
		if (!joined.ok) throw new Error(joined.message);
		await page.locator(LIVE).waitFor({ timeout: 15_000 });
		await command({
			type: 'touchpoint.assess',
			touchpointId: 'tp-account-closure',
			maturity: 'broken',
			evidence: 'Closing takes 9 days and a letter'
		});
		await page.locator('[data-testid="wall-touchpoint-tp-account-closure"][data-maturity="broken"]').waitFor({ timeout: 5_000 });
		expect(await page.evaluate(() => (window as unknown as { wallMarker?: string }).wallMarker)).toBe('first load');
		await page.context().close();
	});
});
