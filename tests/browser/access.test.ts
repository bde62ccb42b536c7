/**
 * Access in real Chromium against the real server (a child process, demo room seeded): invite links
 * made, redeemed and turned off; strangers kept out; a TV paired by code, shown the wall, removed, and
 * back on its pairing screen. `SCREENSHOT_DIR=/tmp` also saves what each screen looks like.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;

const LIVE = '[data-testid="connection-status"][data-state="live"]';
const TV = { width: 1920, height: 1080 };

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true' });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `access-${name}.png`) });
}

/** The path (and fragment) of a link the server made for this test server. */
function pathOf(link: string): string {
	const url = new URL(link);
	expect(url.origin).toBe(server.url);
	return `${url.pathname}${url.hash}`;
}

const inviteRow = (page: Page, role: string) => page.locator(`[data-testid="invite-${role}"]`);

describe('access in Chromium', () => {
	it('makes a contributor link, lets a stranger join with it, and stops it working once turned off', async () => {
		const facilitator = await openPage(browser, server.url, '/rooms/demo/access', {
			name: 'Fran',
			role: 'facilitator',
			waitFor: '[data-testid="invite-contributor"]'
		});
		const row = inviteRow(facilitator, 'contributor');
		await row.getByRole('button', { name: /^Make a (new )?link/ }).click();
		const field = row.getByLabel(/New contributor link, shown only now/);
		await field.waitFor();
		const link = await field.inputValue();
		expect(link).toMatch(/\/join#[A-Za-z0-9_-]{20,}$/);
		const token = link.split('#')[1]!;
		await expect.poll(() => row.getAttribute('data-active')).toBe('true');
		await screenshot(facilitator, 'room-access');

		// A stranger opens the link: the token leaves the address bar before anything else happens.
		const carla = await openPage(browser, server.url, pathOf(link), { anonymous: true, waitFor: '#join-name' });
		expect(carla.url()).toBe(`${server.url}/join`);
		await carla.getByLabel('Your name (shown on your changes)').fill('Carla');
		await screenshot(carla, 'join');
		await carla.getByRole('button', { name: 'Join the room' }).click();
		await carla.waitForURL(`${server.url}/rooms/demo`);
		await carla.locator(LIVE).waitFor({ timeout: 15_000 });
		expect(carla.url()).not.toContain(token);
		expect(await carla.locator('[data-testid="stage-column"]').count()).toBeGreaterThan(0);
		expect(await carla.evaluate(() => localStorage.getItem('customer-room:name'))).toBe('Carla');
		// And it is a contributor now: the room list says so.
		const rooms = await carla.evaluate(() => fetch('/api/rooms').then((r) => r.json()));
		expect(rooms.rooms).toMatchObject([{ id: 'demo', role: 'contributor' }]);

		// The facilitator turns the link off; the next stranger with it is told plainly.
		await row.getByRole('button', { name: /^Turn off link/ }).click();
		await expect.poll(() => row.getAttribute('data-active')).toBe('false');
		await expect.poll(() => row.textContent()).toContain('No working link');
		const dan = await openPage(browser, server.url, pathOf(link), { anonymous: true, waitFor: '#join-name' });
		await dan.getByLabel('Your name (shown on your changes)').fill('Dan');
		await dan.getByRole('button', { name: 'Join the room' }).click();
		const error = dan.locator('[data-testid="join-error"]');
		await error.waitFor();
		expect(await error.textContent()).toContain('This invite link no longer works. Ask the facilitator for a new one.');
		expect(dan.url()).toBe(`${server.url}/join`);
		// Carla, who joined with it, keeps her access.
		await carla.reload();
		await carla.locator(LIVE).waitFor({ timeout: 15_000 });

		for (const page of [facilitator, carla, dan]) await page.context().close();
	});

	it('keeps strangers and non-facilitators out, saying what to do', async () => {
		const stranger = await openPage(browser, server.url, '/rooms/demo', {
			anonymous: true,
			waitFor: '[data-testid="room-error"]'
		});
		expect(await stranger.locator('[data-testid="room-error"]').textContent()).toContain(
			'You have no access to room "demo". Open the invite link you were given'
		);
		expect(await stranger.locator('[data-testid="stage-column"]').count()).toBe(0);

		await stranger.goto(`${server.url}/`);
		const empty = stranger.locator('[data-testid="rooms-empty"]');
		await empty.waitFor();
		expect(await empty.textContent()).toContain(
			'Open the invite link you were given; facilitators find links under Access in their room'
		);

		// Without any role in the room: the locked-out page, which says how to get back in.
		await stranger.goto(`${server.url}/rooms/demo/access`);
		await stranger.locator('[data-testid="locked-out"]').waitFor();
		expect(await stranger.locator('[data-testid="locked-out"]').textContent()).toContain(
			'ask a facilitator of the room to invite you, or for a new invite link'
		);
		await stranger.goto(`${server.url}/pair`);
		await stranger.locator('[data-testid="pair-signed-out"]').waitFor();
		await stranger.context().close();

		const contributor = await openPage(browser, server.url, '/rooms/demo/access', {
			name: 'Cole',
			role: 'contributor',
			waitFor: '[data-testid="access-not-facilitator"]'
		});
		expect(await contributor.locator('[data-testid="access-not-facilitator"]').textContent()).toContain('You are a contributor');
		expect(await contributor.locator('[data-testid="invite-links"]').count()).toBe(0);
		await contributor.context().close();
	});

	it('pairs a TV by its code, shows it the wall, and sends it back to pairing when removed', async () => {
		const tv = await openPage(browser, server.url, '/tv', { anonymous: true, viewport: TV, waitFor: '[data-testid="tv-code"]' });
		const code = (await tv.locator('[data-testid="tv-code"]').getAttribute('data-code'))!;
		expect(code).toMatch(/^[A-Z2-9]{6}$/);
		expect((await tv.locator('[data-testid="tv-code"]').textContent())!.replace(/\s/g, '')).toBe(code);
		expect(await tv.locator('[data-testid="tv-qr"] svg').count()).toBe(1);
		expect(await tv.locator('[data-testid="tv-countdown"]').textContent()).toMatch(/\b(9:[0-5]\d|10:00)\b/);
		expect(await tv.textContent('body')).toContain(`On your laptop, open ${server.url}/pair and enter this code`);
		await screenshot(tv, 'tv');

		// The QR code's link: /pair with the code in the fragment, filled in and taken out of the address bar.
		const facilitator = await openPage(browser, server.url, `/pair#${code}`, {
			name: 'Fran',
			role: 'facilitator',
			roomId: 'demo',
			waitFor: '#pair-code'
		});
		expect(facilitator.url()).toBe(`${server.url}/pair`);
		expect(await facilitator.getByLabel('Code shown on the TV').inputValue()).toBe(code);

		// A wrong code is refused plainly, and nothing is paired.
		await facilitator.getByLabel('Code shown on the TV').fill(code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ');
		await facilitator.getByLabel('Screen name').fill('Lobby TV');
		await facilitator.getByRole('button', { name: 'Pair screen' }).click();
		const error = facilitator.locator('[data-testid="pair-error"]');
		await error.waitFor();
		expect(await error.textContent()).toContain('That code is not valid or has expired');

		// Typed the way people type it: lower case, with a space.
		await facilitator.getByLabel('Code shown on the TV').fill(`${code.slice(0, 3)} ${code.slice(3)}`.toLowerCase());
		await facilitator.getByLabel('Room', { exact: true }).selectOption('demo');
		await facilitator.getByLabel('Corridor view').check();
		await facilitator.getByRole('button', { name: 'Pair screen' }).click();
		const done = facilitator.locator('[data-testid="pair-done"]');
		await done.waitFor();
		expect(await done.textContent()).toMatch(/Lobby TV\s*now shows Northwind Bank/);
		expect(await facilitator.locator('[data-testid="pair-error"]').count()).toBe(0);
		await screenshot(facilitator, 'pair');

		// The TV opens the wall by itself, as that display.
		await tv.waitForURL(/\/rooms\/demo\/wall\?display=d-[a-z0-9-]+$/, { timeout: 10_000 });
		const displayId = new URL(tv.url()).searchParams.get('display')!;

		// The facilitator sees the screen under Access and removes it.
		await facilitator.goto(`${server.url}/rooms/demo/access`);
		const screen = facilitator.locator(`[data-testid="screen-${displayId}"]`);
		await screen.waitFor({ timeout: 15_000 });
		expect(await screen.textContent()).toContain('Lobby TV');
		expect(await screen.textContent()).toContain('Corridor view');
		await screenshot(facilitator, 'room-access-screens');
		await screen.getByRole('button', { name: /^Remove screen/ }).click();
		// Asked first: keeping it changes nothing.
		const confirm = facilitator.getByTestId('screen-remove-dialog');
		await confirm.getByRole('button', { name: 'Keep it' }).click();
		await confirm.waitFor({ state: 'hidden' });
		expect(await screen.count()).toBe(1);
		await screen.getByRole('button', { name: /^Remove screen/ }).click();
		expect(await confirm.getByRole('heading').textContent()).toBe('Remove the screen “Lobby TV”?');
		await screenshot(facilitator, 'remove-screen-confirm');
		await confirm.getByRole('button', { name: 'Remove the screen', exact: true }).click();
		await facilitator.locator('[data-testid="screen-removed"]').waitFor();
		await expect.poll(() => screen.count()).toBe(0);

		// Within seconds the TV is back on its pairing screen, with a new code.
		await tv.waitForURL(`${server.url}/tv`, { timeout: 10_000 });
		await tv.locator('[data-testid="tv-code"]').waitFor({ timeout: 10_000 });
		expect(await tv.locator('[data-testid="tv-code"]').getAttribute('data-code')).not.toBe(code);

		await tv.context().close();
		await facilitator.context().close();
	});

	it('goes straight to the wall when the TV was paired before', async () => {
		const tv = await openPage(browser, server.url, '/tv', { anonymous: true, viewport: TV, waitFor: '[data-testid="tv-code"]' });
		const code = (await tv.locator('[data-testid="tv-code"]').getAttribute('data-code'))!;
		const facilitator = await openPage(browser, server.url, '/pair', {
			role: 'facilitator',
			roomId: 'demo',
			waitFor: '#pair-code'
		});
		await facilitator.getByLabel('Code shown on the TV').fill(code);
		await facilitator.getByLabel('Screen name').fill('Canteen TV');
		await facilitator.getByRole('button', { name: 'Pair screen' }).click();
		await tv.waitForURL(/\/rooms\/demo\/wall\?display=/, { timeout: 10_000 });
		const wall = tv.url();

		// The TV restarts on /tv (its start page): it is paired, so the wall opens again at once.
		await tv.goto(`${server.url}/tv`);
		await tv.waitForURL(wall, { timeout: 10_000 });
		await tv.context().close();
		await facilitator.context().close();
	});
});

describe('names and ending access', () => {
	it('Change your name renames the person on the server and shows the new name', async () => {
		const page = await openPage(browser, server.url, '/rooms/demo/access', { name: 'Dana', role: 'facilitator' });
		await expect.poll(() => page.getByTestId('you').textContent()).toContain('Dana');
		await page.getByRole('button', { name: 'Change your name' }).click();
		await page.getByLabel('Your name (shown on your changes)').fill('Dana Smith');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect.poll(() => page.getByTestId('you').textContent()).toContain('Dana Smith');
		const me = await page.evaluate(() => fetch('/api/me').then((r) => r.json() as Promise<{ name: string }>));
		expect(me.name).toBe('Dana Smith');
		await page.context().close();
	});

	it('End everyone’s access from this link asks first, then says how many lost access', async () => {
		const page = await openPage(browser, server.url, '/rooms/demo/access', { name: 'Dana', role: 'facilitator' });
		await page.getByRole('button', { name: /Make a (new )?link for viewers/ }).click();
		const link = await page.locator('#link-viewer').inputValue();
		const joined = await fetch(`${server.url}/api/join`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ token: link.split('#')[1], name: 'Vi' })
		});
		expect(joined.status).toBe(200);
		await page.getByTestId('end-access-viewer').click();
		await expect.poll(() => page.getByTestId('end-access-dialog').isVisible()).toBe(true);
		await screenshot(page, 'end-access-dialog');
		await page.getByRole('button', { name: 'End everyone’s access', exact: true }).click();
		await expect
			.poll(() => page.getByTestId('invite-viewer').textContent())
			.toContain('1 person who joined with the viewer link no longer has access.');
		await page.context().close();
	});
});
