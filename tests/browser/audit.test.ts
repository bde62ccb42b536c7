/**
 * The audit pages in real Chromium against the real server (demo room seeded, file store): a facilitator
 * renames themselves and an instance admin takes the room over; the room's audit page shows both beside
 * the room's own events, filters by person and kind (typed, and applied with Enter), and "Export CSV" downloads exactly
 * the filtered rows. The instance's page shows the access entries; a contributor is refused.
 * `SCREENSHOT_DIR=/tmp` saves each screen at 1440x900 and at 390px (a phone).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { TEST_ADMIN_TOKEN, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { adminAccount } from '../support/people';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
let fran = '';
let admin = '';

const ROWS = '[data-testid="audit-row"]';
const PHONE = { width: 390, height: 844 };

/** The session token a Set-Cookie header carries. */
const cookieToken = (res: Response) => /cr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(path.join(tmp.dir, 'data'), { SEED_DEMO: 'true' });
	browser = await launchChromium();

	fran = await sessionToken(server.url, 'demo', 'facilitator', 'Fran');
	const renamed = await fetch(`${server.url}/api/me/name`, {
		method: 'POST',
		headers: { cookie: `cr_session=${fran}`, 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Fran Facil' })
	});
	expect(renamed.status).toBe(200);

	const link = await fetch(`${server.url}/api/admin/setup-link`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
	});
	const token = new URL(((await link.json()) as { link: string }).link).hash.slice(1);
	const claimed = await fetch(`${server.url}/api/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ token, account: adminAccount('Administrator') })
	});
	admin = cookieToken(claimed);
	const taken = await fetch(`${server.url}/api/rooms/demo/takeover`, {
		method: 'POST',
		headers: { cookie: `cr_session=${admin}` }
	});
	expect(taken.status).toBe(200);
}, 60_000);

afterAll(async () => {
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `audit-${name}.png`), fullPage: false });
}

const actions = (page: Page) => page.locator(ROWS).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
const sources = (page: Page) => page.locator(ROWS).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-source')));

/** Types a person, chooses a kind (the field after it in tab order) and applies them with Enter. */
async function filterByKeyboard(page: Page, filters: { person?: string; kind?: string }): Promise<void> {
	await page.getByLabel('Person').focus();
	await page.keyboard.press('ControlOrMeta+a');
	await page.keyboard.press('Backspace');
	await page.keyboard.type(filters.person ?? '');
	await page.keyboard.press('Tab');
	expect(await page.evaluate(() => document.activeElement?.id)).toBe('audit-kind');
	await page.getByLabel('Kind').selectOption(filters.kind ?? '');
	await page.getByLabel('Person').focus();
	await page.keyboard.press('Enter');
}

describe('audit pages in Chromium', () => {
	it("the room's page shows the take-over and the rename beside room events, filters, and exports what it shows", async () => {
		const page = await openPage(browser, server.url, '/rooms/demo/audit', { token: fran, waitFor: ROWS });
		const shown = await actions(page);
		expect(shown[0]).toBe('took_over');
		expect(shown).toContain('renamed');
		expect(await sources(page)).toContain('room');
		const text = await page.getByTestId('audit-table').textContent();
		expect(text).toContain('Fran renamed themselves to Fran Facil.');
		expect(text).toContain('Administrator took over in room demo as facilitator');
		expect(text).toContain('Demo data');
		await screenshot(page, 'room');

		await filterByKeyboard(page, { person: 'fran' });
		await expect.poll(() => actions(page)).toEqual(['renamed']);

		await filterByKeyboard(page, { kind: 'room' });
		await expect.poll(async () => new Set(await sources(page))).toEqual(new Set(['room']));

		await filterByKeyboard(page, { kind: 'access' });
		await expect.poll(() => actions(page)).toEqual(['took_over', 'renamed']);
		await screenshot(page, 'room-filtered');

		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
		expect(download.suggestedFilename()).toMatch(/^audit-demo-\d{4}-\d{2}-\d{2}\.csv$/);
		const csv = await readFile((await download.path())!, 'utf8');
		const records = parse(csv.replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>;
		expect(records.map((r) => r.action)).toEqual(['took_over', 'renamed']);
		expect(records[1]!.description).toBe('Fran renamed themselves to Fran Facil.');

		// A range that ends before it starts is explained, not sent; clearing brings every row back.
		await page.getByLabel('From').fill('2026-05-02');
		await page.getByLabel('To').fill('2026-05-01');
		expect(await page.getByRole('alert').textContent()).toContain('The "From" date is after the "To" date.');
		expect(await page.getByRole('button', { name: 'Apply filters' }).isDisabled()).toBe(true);
		await page.getByRole('button', { name: 'Clear filters' }).click();
		await expect.poll(async () => (await sources(page)).includes('room')).toBe(true);
		expect(await page.getByLabel('From').inputValue()).toBe('');
		await page.context().close();
	});

	it('the room page is readable on a phone; the Access page links to it', async () => {
		const access = await openPage(browser, server.url, '/rooms/demo/access', { token: fran, viewport: PHONE });
		await access.getByTestId('audit-link').scrollIntoViewIfNeeded();
		await screenshot(access, 'access-phone');
		await access.getByTestId('audit-link').click();
		await access.locator(ROWS).first().waitFor();
		expect(new URL(access.url()).pathname).toBe('/rooms/demo/audit');
		const overflow = await access.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(access, 'room-phone');
		await access.context().close();
	});

	it("the instance's page shows the access entries to an instance admin, linked from the home page; a contributor is refused", async () => {
		const page = await openPage(browser, server.url, '/', { token: admin, waitFor: '[data-testid="admin-audit-link"]' });
		await screenshot(page, 'home-admin');
		await page.getByRole('link', { name: 'Audit trail of this instance' }).click();
		await page.locator(ROWS).first().waitFor();
		// The rooms' entries, and the instance's own: the admin's account, made by the setup link.
		const shown = await actions(page);
		expect(shown.filter((a) => a !== 'account_created' && a !== 'admin_granted')).toEqual(['took_over', 'renamed']);
		expect(shown).toEqual(expect.arrayContaining(['account_created', 'admin_granted']));
		expect(await page.getByTestId('audit-table').textContent()).toContain('Room demo');
		await screenshot(page, 'instance');
		await page.setViewportSize(PHONE);
		await screenshot(page, 'instance-phone');
		await page.context().close();

		const contributor = await sessionToken(server.url, 'demo', 'contributor', 'Cora');
		const refused = await openPage(browser, server.url, '/rooms/demo/audit', { token: contributor, waitFor: '[role="alert"]' });
		expect(await refused.getByRole('alert').textContent()).toContain("Only the room's facilitators and instance admins");
		expect(await refused.locator(ROWS).count()).toBe(0);
		await refused.context().close();
	});
});
