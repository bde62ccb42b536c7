/**
 * Rooms in real Chromium against the real server (demo room seeded): the setup link makes this browser
 * an instance admin; New room builds a room from a template (landing in Curate with its stages), a blank
 * room, and a room restored from a backup; a room this browser has no role in shows the locked-out page,
 * where an instance admin takes over. `SCREENSHOT_DIR=/tmp` also saves what each screen looks like
 * (docs/rooms-new-room.png, in the README, is its rooms-new-room.png).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomTemplateSummaries } from '../../src/lib/client/room-templates';
import { launchChromium } from '../support/browser';
import { fillSetupForm } from '../support/people';
import { openPage } from '../support/pages';
import { TEST_ADMIN_TOKEN, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let tmpDir: string;
let cleanup: () => Promise<void>;
/** The instance admin's browser (its cookie came from the setup link). */
let admin: BrowserContext;

const LIVE = '[data-testid="connection-status"][data-state="live"]';
const insurer = roomTemplateSummaries().find((t) => t.id === 'insurer')!;

beforeAll(async () => {
	const tmp = await tempDir();
	tmpDir = tmp.dir;
	cleanup = tmp.cleanup;
	server = await startServerProcess(path.join(tmp.dir, 'data'), { SEED_DEMO: 'true' });
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
	if (dir) await page.screenshot({ path: path.join(dir, `rooms-${name}.png`), fullPage: true });
}

/** A fresh setup link, as `npm run admin -- setup-link` prints it. */
async function setupLink(): Promise<string> {
	const res = await fetch(`${server.url}/api/admin/setup-link`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
	});
	const { link } = (await res.json()) as { link: string };
	return new URL(link).hash;
}

const journeyStages = (page: Page) => page.locator('[data-testid="journey-stage"]');

describe('rooms in Chromium', () => {
	it('the setup link makes this browser an instance admin, once; before, the home page says who creates rooms', async () => {
		const stranger = await openPage(browser, server.url, '/', { anonymous: true, waitFor: '[data-testid="who-creates-rooms"]' });
		expect(await stranger.getByTestId('new-room').count()).toBe(0);
		expect(await stranger.getByTestId('who-creates-rooms').textContent()).toContain('Only an instance admin can create rooms.');
		await stranger.goto(`${server.url}/rooms/new`);
		await stranger.getByTestId('new-room-refused').waitFor();
		await stranger.context().close();

		const hash = await setupLink();
		admin = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await admin.newPage();
		await page.goto(`${server.url}/setup${hash}`);
		await page.getByTestId('setup-form').waitFor();
		// The token left the address bar at once.
		expect(page.url()).toBe(`${server.url}/setup`);
		await fillSetupForm(page);

		const late = await openPage(browser, server.url, `/setup${hash}`, { anonymous: true, waitFor: '[data-testid="setup-form"]' });
		await late.getByLabel('Your name').fill('Late Comer');
		await late.getByLabel('E-mail address or user name').fill('late-comer@example.com');
		await late.getByLabel('Password', { exact: true }).fill('plum-harbour-violin-42');
		await late.getByLabel('The password again').fill('plum-harbour-violin-42');
		await late.getByRole('button', { name: 'Make my admin account' }).click();
		await late.getByTestId('setup-failed').waitFor();
		expect(await late.getByTestId('setup-failed').textContent()).toContain('This setup link has been used or replaced.');
		await late.context().close();
		await page.close();
	});

	it('creates a room from a template and lands in its Curate page with the stages present', async () => {
		const page = await admin.newPage();
		await page.goto(`${server.url}/`);
		await page.getByTestId('new-room').click();
		await page.getByTestId('new-room-form').waitFor();
		await page.getByTestId('template-insurer').click();
		const preview = page.getByTestId('template-preview');
		await expect.poll(() => preview.textContent()).toContain(insurer.name);
		for (const stage of insurer.stages) expect(await preview.textContent()).toContain(stage.name);
		await page.getByLabel('Room name').fill('Northwind Insurance');
		await page.getByLabel(/Organisation/).fill('Northwind Insurance plc');
		await screenshot(page, 'new-room');
		await page.getByTestId('create-room').click();

		await page.waitForURL(`${server.url}/rooms/northwind-insurance/curate`);
		await page.locator(LIVE).waitFor();
		await expect.poll(() => journeyStages(page).count(), { timeout: 10_000 }).toBe(insurer.stages.length);
		const names = await journeyStages(page).allTextContents();
		insurer.stages.forEach((stage, i) => expect(names[i]).toContain(stage.name));
		await page.close();
	});

	it('creates a blank room, empty, its creator its facilitator', async () => {
		const page = await admin.newPage();
		await page.goto(`${server.url}/rooms/new`);
		await page.getByTestId('way-blank').click();
		await page.getByTestId('blank-explained').waitFor();
		await page.getByLabel('Room name').fill('Blank Room');
		await page.getByTestId('create-room').click();
		await page.waitForURL(`${server.url}/rooms/blank-room/curate`);
		await page.locator(LIVE).waitFor();
		await page.getByTestId('journey-tab').waitFor();
		expect(await journeyStages(page).count()).toBe(0);
		await page.close();
	});

	it('restores a backup into a new room from New room', async () => {
		const backup = await admin.request.get(`${server.url}/api/rooms/northwind-insurance/export/backup.json`);
		expect(backup.status()).toBe(200);
		const file = path.join(tmpDir, 'northwind-backup.json');
		await writeFile(file, await backup.body());

		const page = await admin.newPage();
		await page.goto(`${server.url}/rooms/new`);
		await page.getByTestId('way-backup').click();
		await page.getByTestId('backup-file').setInputFiles(file);
		await page.getByTestId('create-room').click();
		await page.waitForURL(`${server.url}/rooms/northwind-insurance-2/curate`);
		await page.locator(LIVE).waitFor();
		await expect.poll(() => journeyStages(page).count(), { timeout: 10_000 }).toBe(insurer.stages.length);
		await page.close();
	});

	it('lists every room for the instance admin, marking those it is not a member of, and archived rooms apart', async () => {
		// An archived room (the archive command is the settings page's; a backup of an archived room restores archived).
		const backup = (await (await admin.request.get(`${server.url}/api/rooms/blank-room/export/backup.json`)).json()) as {
			state: { meta: { name: string; archivedAt?: string } };
		};
		backup.state.meta.name = 'Old Pilot Room';
		backup.state.meta.archivedAt = '2026-01-31T17:00:00.000Z';
		const restored = await admin.request.post(`${server.url}/api/rooms/restore`, {
			headers: { 'content-type': 'application/json', origin: server.url },
			data: JSON.stringify(backup)
		});
		expect(restored.status()).toBe(201);

		// A room someone else runs (the demo room is the first admin's own).
		const side = await fetch(`${server.url}/api/admin/rooms`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ roomId: 'side-room', name: 'Side Room', organisation: 'Elsewhere' })
		});
		expect(side.status).toBeLessThan(300);

		const page = await admin.newPage();
		await page.goto(`${server.url}/`);
		const archived = page.getByTestId('archived-rooms');
		await archived.waitFor();
		expect(await page.getByTestId('rooms').textContent()).not.toContain('Old Pilot Room');
		expect(await archived.getByTestId('room-link-old-pilot-room').isVisible()).toBe(false);
		await archived.getByText('Archived rooms (1)').click();
		await archived.getByTestId('room-link-old-pilot-room').waitFor();
		expect(await archived.getByTestId('archived-settings-old-pilot-room').getAttribute('href')).toBe(
			'/rooms/old-pilot-room/settings'
		);
		await page.getByTestId('room-link-northwind-insurance').waitFor();
		expect(await page.getByTestId('room-link-northwind-insurance').textContent()).toContain('Facilitator');
		expect(await page.getByTestId('room-link-demo').textContent()).toContain('Facilitator');
		expect(await page.getByTestId('room-link-side-room').textContent()).toContain('Not a member');
		await screenshot(page, 'home');
		await page.close();
	});

	it('shows a locked-out page that leads somewhere; an instance admin takes over the room', async () => {
		const stranger = await openPage(browser, server.url, '/rooms/side-room', {
			anonymous: true,
			waitFor: '[data-testid="locked-out"]'
		});
		// The sign-in sentence shows once the page knows this browser has no account.
		await stranger.getByTestId('locked-out-sign-in').waitFor();
		const text = (await stranger.getByTestId('locked-out').textContent()) ?? '';
		expect(text).toContain('ask a facilitator of the room to invite you');
		expect(text).toContain('If you have an account, sign in');
		expect(await stranger.getByTestId('takeover').count()).toBe(0);
		await stranger.context().close();

		const page = await admin.newPage();
		await page.goto(`${server.url}/rooms/side-room`);
		await page.getByTestId('takeover-button').waitFor();
		await screenshot(page, 'locked-out');
		await page.getByTestId('takeover-button').click();
		await page.locator(LIVE).waitFor({ timeout: 15_000 });
		await page.goto(`${server.url}/`);
		expect(await page.getByTestId('room-link-side-room').textContent()).toContain('Facilitator');
		await page.close();
	});

	it('fits a phone: New room at 390x844', async () => {
		const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await admin.storageState() });
		const page = await phone.newPage();
		await page.goto(`${server.url}/rooms/new`);
		await page.getByTestId('new-room-form').waitFor();
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(page, 'new-room-phone');
		await phone.close();
	});
});
