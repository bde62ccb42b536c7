/**
 * Single sign-on (issue 17) in real Chromium: the real server (a child process, AUTH_LOCAL=off) and a real
 * OpenID provider (`oidc-provider`, in this process) with its own sign-in and consent pages. What a person
 * sees: no password anywhere, the company button; the provider's pages and back into the room with the
 * role their group gives; a group changed at the provider changing the role at the next sign-in; sign-out
 * ending the provider's session too; no group, no room, and a sentence saying so; the provider down, and a
 * sentence saying so. A facilitator maps groups to roles under Access. `SCREENSHOT_DIR=/tmp` saves screens.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import {
	signInAtProvider,
	startTestProvider,
	TEST_CLIENT_ID,
	TEST_CLIENT_SECRET,
	type TestProvider
} from '../support/oidc-provider';
import { freePort, sessionToken, startServerProcess, TEST_ADMIN_TOKEN, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

const ROOM = 'claims';
const LAPTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
let server: ServerProcess;
let provider: TestProvider;
let browser: Browser;
let cleanup: () => Promise<void>;
const contexts: BrowserContext[] = [];

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `sso-${name}.png`), fullPage: true });
}

async function newPage(viewport = LAPTOP): Promise<Page> {
	const context = await browser.newContext({ viewport });
	contexts.push(context);
	const page = await context.newPage();
	page.setDefaultTimeout(10_000);
	return page;
}

/** The rooms this browser may open, with its role in each (the page's own request, with its cookie). */
async function rooms(page: Page): Promise<Record<string, string | null>> {
	const list = (await (await page.request.get(`${server.url}/api/rooms`)).json()) as {
		rooms: Array<{ id: string; role: string | null }>;
	};
	return Object.fromEntries(list.rooms.map((r) => [r.id, r.role]));
}

/** From the sign-in page, through the provider, back to the app. */
async function signIn(page: Page, login: string): Promise<void> {
	await page.goto(`${server.url}/sign-in`);
	await page.getByTestId('sso-sign-in').click();
	await page.waitForURL((url) => !url.href.startsWith(server.url));
	await signInAtProvider(page, login, server.url);
	await page.waitForLoadState('networkidle');
}

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	const port = await freePort();
	provider = await startTestProvider(`http://127.0.0.1:${port}`);
	server = await startServerProcess(tmp.dir, {
		PORT: String(port),
		OIDC_ISSUER: provider.issuer,
		OIDC_CLIENT_ID: TEST_CLIENT_ID,
		OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
		OIDC_BUTTON_LABEL: 'Sign in with Northwind',
		AUTH_LOCAL: 'off'
	});
	browser = await launchChromium();
	const made = await fetch(`${server.url}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId: ROOM, name: 'Claims journey', organisation: 'Northwind' })
	});
	expect(made.status).toBe(200);
	const facilitator = await sessionToken(server.url, ROOM, 'facilitator', 'Setup');
	const mapped = await fetch(`${server.url}/api/rooms/${ROOM}/group-roles`, {
		method: 'PUT',
		headers: { cookie: `cr_session=${facilitator}`, origin: server.url, 'content-type': 'application/json' },
		body: JSON.stringify({ groups: [{ group: 'CX-Leadership', role: 'facilitator' }] })
	});
	expect(mapped.status).toBe(200);
}, 60_000);

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => {});
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await provider?.close();
	await cleanup?.();
});

describe('signing in with the company account', () => {
	let ana: Page;

	it('shows no password field, only the company button; the provider signs Ana in and she lands with her group’s role', async () => {
		provider.people.set('ana', { name: 'Ana Ruiz', email: 'ana@example.com', groups: ['CX-Leadership'] });
		const phone = await newPage(PHONE);
		await phone.goto(`${server.url}/sign-in`);
		await phone.getByTestId('sso-sign-in').waitFor();
		expect(await phone.getByTestId('sso-sign-in').textContent()).toContain('Sign in with Northwind');
		expect(await phone.locator('input[type="password"]').count()).toBe(0);
		await screenshot(phone, 'sign-in-phone');

		ana = await newPage();
		await signIn(ana, 'ana');
		expect(new URL(ana.url()).pathname).toBe('/');
		await ana.getByTestId('rooms').getByText('Claims journey').waitFor();
		expect(await rooms(ana)).toEqual({ [ROOM]: 'facilitator' });
		await screenshot(ana, 'home-signed-in');
	});

	it('a facilitator maps another group to a role under Access', async () => {
		await ana.goto(`${server.url}/rooms/${ROOM}/access`);
		const rows = ana.getByTestId('group-role-row');
		await rows.first().waitFor();
		expect(await rows.count()).toBe(1);
		await ana.getByRole('button', { name: 'Add a group' }).click();
		await rows.nth(1).getByTestId('group-role-name').fill('Claims-Ops');
		await rows.nth(1).getByTestId('group-role-role').selectOption('contributor');
		await ana.getByTestId('group-roles-save').click();
		await ana.getByText('Saved.').waitFor();
		const saved = (await (await ana.request.get(`${server.url}/api/rooms/${ROOM}/group-roles`)).json()) as { groups: unknown };
		expect(saved.groups).toEqual([
			{ group: 'CX-Leadership', role: 'facilitator' },
			{ group: 'Claims-Ops', role: 'contributor' }
		]);
		await screenshot(ana, 'access-groups');
	});

	it('signing out ends the provider’s session too; a group changed at the provider changes the role at the next sign-in', async () => {
		provider.people.set('ana', { name: 'Ana Ruiz', email: 'ana@example.com', groups: ['Claims-Ops'] });
		await ana.goto(`${server.url}/`);
		await ana.getByTestId('header-sign-out').click();
		// The provider asks whether to sign out of it too.
		await ana.waitForURL((url) => url.href.startsWith(provider.issuer));
		await ana.getByRole('button', { name: 'Yes, sign me out' }).click();
		await ana.waitForURL(`${server.url}/sign-in?signed-out=1`);
		await ana.getByTestId('signed-out').waitFor();
		expect(await rooms(ana)).toEqual({});

		// The provider's session ended: its sign-in page shows again.
		await ana.getByTestId('sso-sign-in').click();
		await ana.locator('input[name="login"]').waitFor();
		await signInAtProvider(ana, 'ana', server.url);
		await ana.waitForLoadState('networkidle');
		expect(await rooms(ana)).toEqual({ [ROOM]: 'contributor' });

		// My account says how she signs in, and offers no password to change.
		await ana.goto(`${server.url}/account`);
		await ana.getByTestId('sso-status').waitFor();
		expect(await ana.getByTestId('sso-status').textContent()).toContain('Sign in with Northwind');
		expect(await ana.locator('input[type="password"]').count()).toBe(0);
		// The room her group gives her is among her rooms.
		await ana.getByText('Claims journey').waitFor();
		await screenshot(ana, 'account');
	});

	it('someone in no group that has a room is signed in and told what to do', async () => {
		provider.people.set('bo', { name: 'Bo Lind', email: 'bo@example.com', groups: ['Finance'] });
		const bo = await newPage();
		await signIn(bo, 'bo');
		await bo.getByTestId('sso-no-access').waitFor();
		expect(await bo.getByTestId('sso-no-access').textContent()).toMatch(/not in a group that has access to any room/);
		expect(await rooms(bo)).toEqual({});
		await screenshot(bo, 'no-access');
	});

	it('with passwords off, the setup link is used by signing in with the company first, then back on the link', async () => {
		provider.people.set('dee', { name: 'Dee Admin', email: 'dee@example.com', groups: [] });
		const res = await fetch(`${server.url}/api/admin/setup-link`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
		});
		const { link } = (await res.json()) as { link: string };
		const dee = await newPage();
		await dee.goto(`${server.url}/setup${new URL(link).hash}`);
		expect(await dee.locator('input[type="password"]').count()).toBe(0);
		await dee.getByTestId('sso-sign-in').click();
		await dee.waitForURL((url) => url.href.startsWith(provider.issuer));
		await signInAtProvider(dee, 'dee', server.url);
		// Back on /setup, with the link kept in this tab while she was away.
		await dee.waitForURL(`${server.url}/setup`);
		await dee.getByTestId('setup-make-admin').click();
		await dee.getByTestId('setup-done').waitFor();
		const me = (await (await dee.request.get(`${server.url}/api/account`)).json()) as { instanceAdmin: boolean };
		expect(me.instanceAdmin).toBe(true);
		await screenshot(dee, 'setup-done');
	});

	it('a provider that is down: the sign-in page says so; Ana, signed in, keeps her room', async () => {
		await provider.stop();
		try {
			const cy = await newPage();
			await cy.goto(`${server.url}/sign-in`);
			await cy.getByTestId('sso-sign-in').click();
			await cy.waitForURL(/\/sign-in\?sso=provider_down/);
			await cy.getByTestId('sso-error').waitFor();
			expect(await cy.getByTestId('sso-error').textContent()).toMatch(/could not be reached/);
			await screenshot(cy, 'provider-down');
			await ana.goto(`${server.url}/rooms/${ROOM}`);
			await ana.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
		} finally {
			await provider.start();
		}
	});
});
