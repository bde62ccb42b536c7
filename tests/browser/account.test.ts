/**
 * My account and People (issue 16) in real Chromium against the real server (a child process, demo room
 * seeded): the first admin made from the setup link; a new name seen in the room header; a new password
 * that signs in (and the old one that no longer does); two sessions, the other one ended (its open room
 * page loses access), then everywhere; the People page's reset link that works, admins and the setting.
 * Every screen is looked at on a laptop (1440x900) and a phone (390x844): `SCREENSHOT_DIR=/tmp` saves them.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { TEST_ADMIN_TOKEN, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
const contexts: BrowserContext[] = [];

const LAPTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const LIVE = '[data-testid="connection-status"][data-state="live"]';
const LOGIN = 'ada@example.com';
const FIRST_PASSWORD = 'violet harbour compass';
const SECOND_PASSWORD = 'granite willow teapot';

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true' });
	browser = await launchChromium();
});

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => {});
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `account-${name}.png`), fullPage: true });
}

/** The room header alone, where the account links sit. */
async function headerShot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.locator('header.room-header').screenshot({ path: path.join(dir, `account-${name}.png`) });
}

/** A fresh browser (its own cookies) at a size, on a page of the server. */
async function newBrowser(viewport: { width: number; height: number }, route = '/'): Promise<Page> {
	const context = await browser.newContext({ viewport });
	contexts.push(context);
	const page = await context.newPage();
	await page.goto(`${server.url}${route}`);
	return page;
}

/** A JSON request made by the page itself, with its cookies, from its origin. */
function api(
	page: Page,
	route: string,
	method = 'GET',
	body?: unknown
): Promise<{ status: number; body: Record<string, unknown> }> {
	return page.evaluate(
		async ({ route, method, body }) => {
			const res = await fetch(route, {
				method,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body)
			});
			return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
		},
		{ route, method, body }
	);
}

const signIn = (page: Page, login: string, password: string) => api(page, '/api/auth/sign-in', 'POST', { login, password });

/** The laptop browser of the first admin, Ada. */
let ada: Page;

describe('my account', () => {
	it('the setup link makes the first admin, who finds My account and Sign out in the header', async () => {
		const res = await fetch(`${server.url}/api/admin/setup-link`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
		});
		const { link } = (await res.json()) as { link: string };
		ada = await newBrowser(LAPTOP, `/setup${new URL(link).hash}`);
		await ada.getByLabel('Your name').fill('Ada');
		await ada.getByLabel('E-mail address or user name').fill(LOGIN);
		await ada.getByLabel('Password', { exact: true }).fill(FIRST_PASSWORD);
		await ada.getByLabel('The password again').fill(FIRST_PASSWORD);
		await ada.getByRole('button', { name: 'Make my admin account' }).click();
		await ada.getByTestId('setup-done').waitFor();

		await ada.goto(`${server.url}/`);
		await ada.getByTestId('my-account-link').waitFor();
		expect(await ada.getByTestId('home-you').textContent()).toContain('Ada');
		await ada.getByTestId('people-link').waitFor();
		await screenshot(ada, 'home-laptop');

		// Someone with no account is offered Sign in, back to the page they were on.
		const stranger = await newBrowser(PHONE, '/');
		const signInLink = stranger.getByTestId('sign-in-link');
		await signInLink.waitFor();
		expect(await signInLink.getAttribute('href')).toBe('/sign-in?next=%2F');
		await screenshot(stranger, 'home-phone');
		await stranger.goto(`${server.url}/account`);
		await stranger.getByTestId('account-signed-out').waitFor();
		expect(await stranger.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/sign-in?next=%2Faccount');
		await screenshot(stranger, 'signed-out-phone');
	});

	it('a new name shows in the room header', async () => {
		await ada.goto(`${server.url}/account`);
		await ada.getByTestId('my-name-form').waitFor();
		await screenshot(ada, 'account-laptop');
		await ada.getByLabel('Name shown on your changes').fill('Ada Lovelace');
		await ada.getByRole('button', { name: 'Save name' }).click();
		await ada.getByTestId('my-name-saved').waitFor();

		await ada.goto(`${server.url}/rooms/demo`);
		await ada.locator(LIVE).waitFor();
		await expect.poll(() => ada.getByTestId('you').textContent()).toContain('Ada Lovelace');
		await ada.getByTestId('my-account-link').waitFor();
		await ada.getByTestId('header-sign-out').waitFor();
		await headerShot(ada, 'room-header-laptop');
	});

	it('a new password signs in and the old one no longer does', async () => {
		await ada.goto(`${server.url}/account`);
		await ada.getByLabel('Current password').fill('not my password at all');
		await ada.getByLabel('New password', { exact: true }).fill(SECOND_PASSWORD);
		await ada.getByLabel('New password again').fill(SECOND_PASSWORD);
		await ada.getByRole('button', { name: 'Change password' }).click();
		await ada.getByTestId('password-failed').waitFor();
		expect(await ada.getByTestId('password-failed').textContent()).toMatch(/current password is not right/);

		await ada.getByLabel('Current password').fill(FIRST_PASSWORD);
		await ada.getByLabel('New password', { exact: true }).fill(SECOND_PASSWORD);
		await ada.getByLabel('New password again').fill(SECOND_PASSWORD);
		await ada.getByRole('button', { name: 'Change password' }).click();
		await ada.getByTestId('password-changed').waitFor();
		// This browser stays signed in.
		expect((await api(ada, '/api/account')).status).toBe(200);

		const other = await newBrowser(PHONE);
		expect((await signIn(other, LOGIN, FIRST_PASSWORD)).status).toBe(401);
		expect((await signIn(other, LOGIN, SECOND_PASSWORD)).status).toBe(200);
	});

	it('lists two sessions; ending the other one closes its open room page', async () => {
		const phone = await newBrowser(PHONE);
		expect((await signIn(phone, LOGIN, SECOND_PASSWORD)).status).toBe(200);
		await phone.goto(`${server.url}/rooms/demo`);
		await phone.locator(LIVE).waitFor();
		await screenshot(phone, 'room-phone');
		await headerShot(phone, 'room-header-phone');

		await ada.goto(`${server.url}/account`);
		const sessions = ada.getByTestId('session');
		// The phone of the previous test, this one, and this browser.
		await expect.poll(() => sessions.count()).toBe(3);
		const current = ada.locator('[data-testid="session"][data-current="true"]');
		expect(await current.textContent()).toContain('This browser');
		await screenshot(ada, 'sessions-laptop');

		// End every other session one by one; the phone with the room open loses access at once.
		for (let left = 3; left > 1; left--) {
			await ada.locator('[data-testid="session"][data-current="false"]').first().getByRole('button', { name: /^End/ }).click();
			await expect.poll(() => sessions.count()).toBe(left - 1);
		}
		await phone.getByTestId('locked-out').waitFor();
		expect(await phone.getByTestId('room-error').textContent()).toMatch(/ended from My account/);
		expect((await api(phone, '/api/me')).body.signedIn).toBe(false);
		// The page offers the way back in: Sign in, in the header and on the page.
		await phone.getByTestId('sign-in-link').waitFor();
		expect(await phone.getByTestId('sign-in-link').getAttribute('href')).toBe('/sign-in?next=%2Frooms%2Fdemo');
		await phone.getByTestId('locked-out-sign-in').waitFor();
		// It does not pretend to be reconnecting.
		await expect.poll(() => phone.getByTestId('connection-status').getAttribute('data-state')).toBe('offline');
		await screenshot(phone, 'ended-phone');
	});

	it('signs out everywhere after a confirmation', async () => {
		const phone = await newBrowser(PHONE);
		expect((await signIn(phone, LOGIN, SECOND_PASSWORD)).status).toBe(200);
		await phone.goto(`${server.url}/account`);
		await expect.poll(() => phone.getByTestId('session').count()).toBe(2);
		await screenshot(phone, 'account-phone');

		await phone.getByTestId('sign-out-everywhere').click();
		await phone.getByTestId('sign-out-everywhere-dialog').waitFor();
		await screenshot(phone, 'sign-out-everywhere-phone');
		await phone.getByTestId('confirm-sign-out-everywhere').click();
		await phone.waitForURL(/\/sign-in$/);
		expect((await api(phone, '/api/me')).body.signedIn).toBe(false);
		expect((await api(ada, '/api/me')).body.signedIn).toBe(false);
	});
});

describe('people, for admins', () => {
	it('makes a reset link that works, makes an admin, and lets everyone create rooms', async () => {
		expect((await signIn(ada, LOGIN, SECOND_PASSWORD)).status).toBe(200);
		// A second person, invited to the demo room.
		const invited = await api(ada, '/api/rooms/demo/person-invites', 'POST', { name: 'Ben', role: 'contributor' });
		expect(invited.status).toBe(201);
		const ben = await newBrowser(PHONE);
		const accepted = await api(ben, '/api/invites/accept', 'POST', {
			token: new URL(invited.body.link as string).hash.slice(1),
			account: { name: 'Ben Okafor', login: 'ben', password: 'saffron kayak meadow' }
		});
		expect(accepted.status).toBe(200);

		await ada.goto(`${server.url}/admin/people`);
		const row = ada.locator('[data-testid="person"][data-login="ben"]');
		await row.waitFor();
		expect(await row.textContent()).toMatch(/Ben Okafor[\s\S]*Northwind Bank[\s\S]*Contributor/);
		await row.getByTestId('make-reset-link').click();
		const field = row.getByLabel('Password-reset link for Ben Okafor');
		await field.waitFor();
		const link = await field.inputValue();
		expect(link).toMatch(/\/reset#[A-Za-z0-9_-]{43}$/);
		await screenshot(ada, 'people-laptop');

		// Ben, who forgot his password, uses the link.
		const reset = await api(ben, '/api/auth/reset', 'POST', {
			token: new URL(link).hash.slice(1),
			password: 'lantern orbit fig tree'
		});
		expect(reset.status).toBe(200);
		expect((await signIn(ben, 'ben', 'saffron kayak meadow')).status).toBe(401);
		expect((await signIn(ben, 'ben', 'lantern orbit fig tree')).status).toBe(200);

		// Make Ben an admin, after a confirmation.
		await row.getByTestId('toggle-admin').click();
		await ada.getByTestId('admin-dialog').getByText('can then create rooms').waitFor();
		await ada.getByTestId('confirm-admin').click();
		await row.getByTestId('admin-badge').waitFor();
		expect((await api(ben, '/api/me')).body.instanceAdmin).toBe(true);

		// The instance setting.
		const setting = ada.getByLabel('Everyone who signs in may create rooms');
		expect(await setting.isChecked()).toBe(false);
		await setting.check();
		await ada.getByTestId('settings-result').waitFor();
		expect((await api(ada, '/api/instance/settings')).body.everyoneCreatesRooms).toBe(true);

		await ben.setViewportSize(PHONE);
		await ben.goto(`${server.url}/admin/people`);
		await ben.getByTestId('people').waitFor();
		await screenshot(ben, 'people-phone');

		// A person who is not an admin is told so.
		const stranger = await newBrowser(LAPTOP, '/admin/people');
		await stranger.getByTestId('people-refused').waitFor();
	});

	it('a guest is marked as a guest once, and offered Sign in', async () => {
		const made = await api(ada, '/api/rooms/demo/guest-links', 'POST', { role: 'viewer', hours: 24, uses: 1 });
		expect(made.status).toBe(201);
		const guest = await newBrowser(PHONE);
		const joined = await api(guest, '/api/join', 'POST', {
			token: new URL(made.body.link as string).hash.slice(1),
			name: 'Vera'
		});
		expect(joined.status).toBe(200);
		await guest.goto(`${server.url}/rooms/demo`);
		await guest.locator(LIVE).waitFor();
		await guest.getByTestId('sign-in-link').waitFor();
		await expect.poll(() => guest.getByTestId('you').textContent()).toMatch(/You: Vera \(guest\)/);
		expect((await guest.getByTestId('you').textContent())!.match(/\(guest\)/g)).toHaveLength(1);
		await headerShot(guest, 'room-header-guest-phone');
	});
});
