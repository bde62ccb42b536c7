/**
 * Screens as a managed fleet (issue 21) in real Chromium against the real server (a child process, demo
 * room seeded): a paired TV's wall changes when a facilitator edits its settings, without reloading;
 * identify shows its name; outside its on hours it shows the clock; its playlist advances; reload
 * reloads it; its health shows on the Screens list and follows it away and back. `SCREENSHOT_DIR=/tmp`
 * saves the screens at 1440x900 and a 390 px phone, and the wall's new views at 1080p and 4K.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
let facilitatorToken: string;

const TV = { width: 1920, height: 1080 };

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true' });
	browser = await launchChromium();
	facilitatorToken = await sessionToken(server.url, 'demo', 'facilitator', 'Fran');
}, 60_000);

afterAll(async () => {
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `screens-${name}.png`), fullPage });
}

/** Pairs a TV as /tv and /pair do (over HTTP), and opens its wall as that TV. */
async function pairedTv(name: string, viewport = TV): Promise<{ tv: Page; displayId: string }> {
	const started = await fetch(`${server.url}/api/pair/start`, { method: 'POST' });
	const token = /cr_session=([^;]+)/.exec(started.headers.get('set-cookie') ?? '')![1]!;
	const { code } = (await started.json()) as { code: string };
	const claimed = await fetch(`${server.url}/api/rooms/demo/displays`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: `cr_session=${facilitatorToken}` },
		body: JSON.stringify({ code, name, mode: 'room' })
	});
	const { displayId } = (await claimed.json()) as { displayId: string };
	const tv = await openPage(browser, server.url, `/rooms/demo/wall?display=${displayId}`, {
		token,
		viewport,
		waitFor: '[data-testid="wall-columns"]'
	});
	// Set on the page's window: it survives everything but a reload.
	await tv.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
	return { tv, displayId };
}

const sameDocument = (tv: Page) => tv.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

async function screensPage(viewport = { width: 1440, height: 900 }): Promise<Page> {
	return openPage(browser, server.url, '/rooms/demo/access', {
		token: facilitatorToken,
		viewport,
		waitFor: '[data-testid="screens"]'
	});
}

/** Opens a screen's settings, lets `edit` change them, and saves. */
async function editSettings(page: Page, displayId: string, edit: (form: ReturnType<Page['locator']>) => Promise<void>) {
	const row = page.getByTestId(`screen-${displayId}`);
	await row.getByRole('button', { name: /^Settings/ }).click();
	const form = row.getByTestId('screen-settings');
	await form.waitFor();
	await edit(form);
	await form.getByRole('button', { name: 'Save settings' }).click();
	await page.getByTestId('screen-saved').waitFor();
	await form.waitFor({ state: 'hidden' });
}

describe('screens in Chromium', () => {
	it('a facilitator edits a screen’s mode and columns, and the open wall changes without a reload', async () => {
		const { tv, displayId } = await pairedTv('Boardroom screen');
		const wall = tv.getByTestId('wall');
		expect(await wall.getAttribute('data-mode')).toBe('room');
		expect(await wall.getAttribute('data-columns')).toBe('5');

		const page = await screensPage();
		await editSettings(page, displayId, async (form) => {
			await form.getByLabel('Corridor view').check();
			await form.getByLabel('Stage columns on one screen').selectOption('3');
		});
		await expect.poll(() => wall.getAttribute('data-mode'), { timeout: 5_000 }).toBe('corridor');
		await expect.poll(() => wall.getAttribute('data-columns')).toBe('3');
		expect(await tv.locator('[data-testid="wall-columns"] > .slot').count()).toBeLessThanOrEqual(3);
		expect(await sameDocument(tv)).toBe(true);
		expect(await page.getByTestId(`screen-${displayId}`).textContent()).toContain('Corridor view');
		await tv.context().close();
		await page.context().close();
	});

	it('identify shows the screen’s name large on the TV for a few seconds; reload reloads it', async () => {
		const { tv, displayId } = await pairedTv('Lobby by the lifts');
		const page = await screensPage();
		const row = page.getByTestId(`screen-${displayId}`);
		await row.getByRole('button', { name: /^Identify/ }).click();
		await page.getByTestId('screen-identify').waitFor();
		const shown = tv.getByTestId('wall-identify');
		await shown.waitFor({ timeout: 5_000 });
		expect(await shown.textContent()).toContain('Lobby by the lifts');
		const size = await shown.locator('.name').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		expect(size).toBeGreaterThan(TV.height / 10);
		await screenshot(tv, 'identify-1080p');
		await shown.waitFor({ state: 'hidden', timeout: 12_000 });

		await row.getByRole('button', { name: /^Reload/ }).click();
		await page.getByTestId('screen-reload').waitFor();
		await expect.poll(() => sameDocument(tv).catch(() => false), { timeout: 10_000 }).toBe(false);
		await tv.getByTestId('wall-columns').waitFor({ timeout: 15_000 });
		await tv.context().close();
		await page.context().close();
	});

	it('outside its on hours the screen shows a dark moving clock, and the board again when the hours allow', async () => {
		const { tv, displayId } = await pairedTv('Canteen screen');
		const page = await screensPage();
		// Hours that exclude now, in the TV's own time: from two hours ahead to three hours ahead.
		const [from, to] = await tv.evaluate(() => {
			const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
			return [hhmm(new Date(Date.now() + 2 * 3600_000)), hhmm(new Date(Date.now() + 3 * 3600_000))];
		});
		await editSettings(page, displayId, async (form) => {
			await form.getByLabel('Show the board only at set times').check();
			for (const day of ['Saturday', 'Sunday']) await form.getByLabel(day, { exact: true }).check();
			await form.getByLabel('From', { exact: true }).fill(from);
			await form.getByLabel('Until', { exact: true }).fill(to);
		});
		const clock = tv.getByTestId('wall-quiet-clock');
		await clock.waitFor({ timeout: 5_000 });
		expect(await clock.textContent()).toMatch(/The board is back (on \w+ )?at \d/);
		expect(await tv.getByTestId('wall-columns').count()).toBe(0);
		// Dark: the clock's text is dim grey on black.
		const colour = await clock.locator('.clock').evaluate((el) => getComputedStyle(el).color);
		expect(colour).toBe('rgb(107, 114, 128)');
		await screenshot(tv, 'quiet-clock-1080p');
		await tv.setViewportSize({ width: 3840, height: 2160 });
		await screenshot(tv, 'quiet-clock-4k');

		await editSettings(page, displayId, async (form) => {
			await form.getByLabel('Show the board only at set times').uncheck();
		});
		await tv.getByTestId('wall-columns').waitFor({ timeout: 5_000 });
		expect(await sameDocument(tv)).toBe(true);
		await tv.context().close();
		await page.context().close();
	});

	it('a playlist advances from view to view by itself', async () => {
		const { tv, displayId } = await pairedTv('Floor screen');
		const page = await screensPage();
		await editSettings(page, displayId, async (form) => {
			const editor = form.getByTestId('playlist-editor');
			await editor.getByRole('button', { name: 'Add a view' }).click();
			await editor.getByRole('button', { name: 'Add a view' }).click();
			await editor.getByLabel('View 1', { exact: true }).selectOption('wins');
			await editor.getByLabel('Seconds for view 1').fill('5');
			await editor.getByLabel('View 2', { exact: true }).selectOption('kpis');
			await editor.getByLabel('Seconds for view 2').fill('5');
			await editor.getByLabel('Seconds for view 2').blur();
		});
		const wall = tv.getByTestId('wall');
		await expect.poll(() => wall.getAttribute('data-view'), { timeout: 5_000 }).toMatch(/^(wins|kpis)$/);
		const first = await wall.getAttribute('data-view');
		const next = first === 'wins' ? 'kpis' : 'wins';
		await expect.poll(() => wall.getAttribute('data-view'), { timeout: 8_000 }).toBe(next);
		// Each view shows what it says.
		await tv.getByTestId(`wall-view-${next}`).waitFor();
		await expect.poll(() => wall.getAttribute('data-view'), { timeout: 8_000 }).toBe('wins');
		await screenshot(tv, 'playlist-wins-1080p');
		await expect.poll(() => wall.getAttribute('data-view'), { timeout: 8_000 }).toBe('kpis');
		await screenshot(tv, 'playlist-kpis-1080p');
		await tv.setViewportSize({ width: 3840, height: 2160 });
		await expect.poll(() => wall.getAttribute('data-view'), { timeout: 8_000 }).toBe('wins');
		await screenshot(tv, 'playlist-wins-4k');
		expect(await sameDocument(tv)).toBe(true);
		await tv.context().close();
		await page.context().close();
	});

	it('the Screens list shows each screen’s health live, offline when it goes away and online when it is back', async () => {
		const { tv, displayId } = await pairedTv('Reception screen');
		const page = await screensPage();
		const row = page.getByTestId(`screen-${displayId}`);
		await expect.poll(() => row.getAttribute('data-health'), { timeout: 10_000 }).toBe('online');
		await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('1920 × 1080');
		const text = (await row.textContent())!;
		expect(text).toMatch(/Last render\s*[\d,]+ ms/);
		expect(text).toMatch(/App build\s*\S+/);
		expect(text).toMatch(/Reconnects in the last day\s*0/);
		await screenshot(page, 'list-1440');

		const wallUrl = tv.url();
		const context = tv.context();
		await tv.close();
		await expect.poll(() => row.getAttribute('data-health'), { timeout: 12_000 }).toBe('offline');
		expect(await row.getByTestId('screen-health').textContent()).toContain('Offline, last heard from');

		const back = await context.newPage();
		await back.goto(wallUrl);
		await expect.poll(() => row.getAttribute('data-health'), { timeout: 15_000 }).toBe('online');
		await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/Reconnects in the last day\s*1/);

		const phone = await screensPage({ width: 390, height: 844 });
		await phone
			.getByTestId(`screen-${displayId}`)
			.getByRole('button', { name: /^Settings/ })
			.click();
		await phone.getByTestId('screen-settings').waitFor();
		// Nothing wider than the phone.
		expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await screenshot(phone, 'list-phone');
		await screenshot(phone, 'settings-phone-full', true);
		await page
			.getByTestId(`screen-${displayId}`)
			.getByRole('button', { name: /^Settings/ })
			.click();
		await page.getByTestId('screen-settings').waitFor();
		await screenshot(page, 'settings-1440-full', true);
		await context.close();
		await phone.context().close();
		await page.context().close();
	});
});
