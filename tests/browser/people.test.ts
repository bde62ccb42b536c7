/**
 * People in real Chromium against the real server: the first run makes the admin's account; the admin
 * invites a contributor by link, who makes their account and lands in the room, then appears in Members;
 * a role change reaches the contributor's open board (it carries on as a viewer); removal ends their open
 * page at once; a lost cookie is fixed by signing in again, with the same rights; a reset link sets a new
 * password; a guest link marks its visitor as a guest and ends when it is turned off.
 * `SCREENSHOT_DIR=…` saves the Access page, the invitation, sign-in and a phone's Access page.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { fillSetupForm, PASSWORD } from '../support/people';
import { TEST_ADMIN_TOKEN, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
let admin: BrowserContext;
let adminPage: Page;
let cleo: BrowserContext;
let cleoBoard: Page;
const ROOM = 'people-room';
const LIVE = '[data-testid="connection-status"][data-state="live"]';
const contexts: BrowserContext[] = [];

async function context(width = 1440, height = 900): Promise<BrowserContext> {
	const made = await browser.newContext({ viewport: { width, height } });
	contexts.push(made);
	return made;
}

async function shot(page: Page, name: string): Promise<void> {
	if (process.env.SCREENSHOT_DIR)
		await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `people-${name}.png`), fullPage: true });
}

/** The one-time link in the copy field a page shows, read as a person would copy it. */
const shownLink = (page: Page, id: string) => page.locator(`#${id}`).inputValue();

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, {});
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	for (const c of contexts) await c.close().catch(() => {});
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

describe('people, in the app', () => {
	it('the first run makes the admin’s account, who creates a room', async () => {
		const res = await fetch(`${server.url}/api/admin/setup-link`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
		});
		const { link } = (await res.json()) as { link: string };
		admin = await context();
		adminPage = await admin.newPage();
		await adminPage.goto(`${server.url}/setup${new URL(link).hash}`);
		await fillSetupForm(adminPage, { name: 'Ada Admin', login: 'ada@example.com', password: PASSWORD });
		await adminPage.goto(`${server.url}/rooms/new`);
		await adminPage.getByTestId('way-blank').click();
		await adminPage.getByLabel('Room name').fill('People Room');
		await adminPage.getByTestId('create-room').click();
		await adminPage.waitForURL(`${server.url}/rooms/${ROOM}/curate`);
	});

	it('invites a contributor by link; they make their account, land in the room, and appear in Members', async () => {
		await adminPage.goto(`${server.url}/rooms/${ROOM}/access`);
		const members = adminPage.getByTestId('members');
		await members.getByTestId('member').first().waitFor();
		expect(await members.getByTestId('member').first().textContent()).toContain('Ada Admin');
		await adminPage.getByLabel('Name', { exact: true }).fill('Cleo Contributor');
		await adminPage.getByLabel('Role', { exact: true }).first().selectOption('contributor');
		await adminPage.getByTestId('invite-person-submit').click();
		const link = await shownLink(adminPage, 'invite-link');
		expect(link).toMatch(/\/invite#[A-Za-z0-9_-]{40,}$/);
		await expect.poll(() => adminPage.getByTestId('pending-invite').count()).toBe(1);

		cleo = await context();
		cleoBoard = await cleo.newPage();
		await cleoBoard.goto(link);
		await cleoBoard.getByTestId('invite-summary').waitFor();
		expect(await cleoBoard.getByTestId('invite-summary').textContent()).toContain(
			'Ada Admin invited Cleo Contributor to the room People Room'
		);
		expect(cleoBoard.url()).toBe(`${server.url}/invite`);
		expect(await cleoBoard.getByLabel('Your name').inputValue()).toBe('Cleo Contributor');
		await shot(cleoBoard, 'invitation');
		await cleoBoard.getByLabel('E-mail address or user name').fill('cleo@example.com');
		await cleoBoard.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await cleoBoard.getByLabel('The password again').fill(PASSWORD);
		await cleoBoard.getByRole('button', { name: 'Make my account and join' }).click();
		await cleoBoard.waitForURL(`${server.url}/rooms/${ROOM}`);
		await cleoBoard.locator(LIVE).waitFor();

		await adminPage.reload();
		const row = adminPage.locator('[data-testid="member"][data-name="Cleo Contributor"]');
		await row.waitFor();
		expect(await row.getByTestId('member-role').inputValue()).toBe('contributor');
		expect(await row.textContent()).toContain('cleo@example.com');
		expect(await adminPage.getByTestId('pending-invite').count()).toBe(0);
		await shot(adminPage, 'access');
	});

	it('a role change reaches the open board, which carries on as a viewer; removal ends it at once', async () => {
		const row = adminPage.locator('[data-testid="member"][data-name="Cleo Contributor"]');
		await row.getByTestId('member-role').selectOption('viewer');
		await adminPage.getByTestId('members-notice').waitFor();
		// The board reconnects with the new role: a viewer sees no curation link.
		await expect
			.poll(
				async () =>
					(await cleoBoard.locator(LIVE).count()) > 0 && (await cleoBoard.getByRole('link', { name: 'Curate' }).count()),
				{ timeout: 15_000 }
			)
			.toBe(0);

		await row.getByTestId('member-remove').click();
		await adminPage.getByTestId('member-remove-confirm').click();
		await adminPage.locator('[data-testid="member"][data-name="Cleo Contributor"]').waitFor({ state: 'detached' });
		await cleoBoard.getByText('You were removed from this room.').first().waitFor({ timeout: 15_000 });
	});

	it('a lost cookie: signing in again brings back the same rights', async () => {
		// Back in the room, then the browser forgets everything.
		await adminPage.request.post(`${server.url}/api/rooms/${ROOM}/members`, {
			headers: { 'content-type': 'application/json', origin: server.url },
			data: JSON.stringify({ login: 'cleo@example.com', role: 'contributor' })
		});
		const fresh = await context();
		const page = await fresh.newPage();
		await page.goto(`${server.url}/rooms/${ROOM}`);
		await page.getByTestId('locked-out').waitFor();
		await page.getByTestId('locked-out-sign-in').getByRole('link', { name: 'sign in' }).click();
		await page.getByTestId('sign-in-form').waitFor();
		await page.getByLabel('E-mail address or user name').fill('cleo@example.com');
		await page.getByLabel('Password', { exact: true }).fill('wrong-password-here');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByTestId('sign-in-error').waitFor();
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await shot(page, 'sign-in');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(`${server.url}/rooms/${ROOM}`);
		await page.locator(LIVE).waitFor();
		await page.getByRole('link', { name: 'Curate' }).first().waitFor();
	});

	it('an admin’s reset link sets a new password', async () => {
		const people = (await (await adminPage.request.get(`${server.url}/api/instance/people`)).json()) as {
			people: Array<{ id: string; name: string }>;
		};
		const id = people.people.find((p) => p.name === 'Cleo Contributor')!.id;
		const made = (await (
			await adminPage.request.post(`${server.url}/api/instance/people/${id}/reset-link`, { headers: { origin: server.url } })
		).json()) as { link: string };
		const page = await (await context()).newPage();
		await page.goto(made.link);
		await page.getByTestId('reset-form').waitFor();
		await page.getByLabel('New password', { exact: true }).fill('quiet-orchard-lamp-19');
		await page.getByLabel('The new password again').fill('quiet-orchard-lamp-19');
		await page.getByRole('button', { name: 'Save the new password' }).click();
		await page.getByTestId('reset-done').waitFor();
		const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ login: 'cleo@example.com', password: 'quiet-orchard-lamp-19' })
		});
		expect(signIn.status).toBe(200);
	});

	it('a guest link: the visitor is marked as a guest, and turning the link off ends the visit', async () => {
		await adminPage.goto(`${server.url}/rooms/${ROOM}/access`);
		const panel = adminPage.getByTestId('guest-links');
		await panel.getByLabel('Role').selectOption('viewer');
		await panel.getByLabel('Works for').selectOption('24');
		await panel.getByTestId('guest-link-make').click();
		const link = await shownLink(adminPage, 'guest-link');
		const guest = await (await context()).newPage();
		await guest.goto(link);
		await guest.getByLabel(/Your name/).fill('Victor Visitor');
		await guest.getByRole('button', { name: 'Join the room' }).click();
		await guest.waitForURL(`${server.url}/rooms/${ROOM}`);
		await guest.locator(LIVE).waitFor();
		await guest.getByText('Victor Visitor (guest)').first().waitFor();
		await panel.getByTestId('guest-link-revoke').click();
		await adminPage.getByTestId('guest-links-notice').waitFor();
		await guest.getByText('The guest link you came by was turned off.').first().waitFor({ timeout: 15_000 });
	});

	it('the Access page fits a phone', async () => {
		const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await admin.storageState() });
		contexts.push(phone);
		const page = await phone.newPage();
		await page.goto(`${server.url}/rooms/${ROOM}/access`);
		await page.getByTestId('members').waitFor();
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await shot(page, 'access-phone');
	});
});
