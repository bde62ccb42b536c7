/**
 * Opens product pages in Chromium as a given person and role. Every browser test goes through here, so
 * how a browser gets its access (invite link, cookie) is decided in one place.
 */
import type { Browser, Page } from 'playwright-core';
import { sessionToken } from './server-process';

export type Role = 'facilitator' | 'contributor' | 'viewer';

export interface OpenOptions {
	/** Display name stored before the page loads (skips the name prompt). */
	name?: string;
	role?: Role;
	viewport?: { width: number; height: number };
	/** Wait for this selector before returning (default: the page's live connection status, when it has one). */
	waitFor?: string | null;
	/** The room the role applies to (default: the id in `/rooms/<id>`, else "demo"). */
	roomId?: string;
	/** No session at all: a stranger without an invite. */
	anonymous?: boolean;
	/** This session instead of a new one for `role` (e.g. a TV's, after pairing). */
	token?: string;
	/** A script run in the page before its own (e.g. a hook that counts what the page does). */
	initScript?: () => void;
}

/** A page in its own browser context (its own client id and storage), signed in as `role`. */
export async function openPage(browser: Browser, baseUrl: string, path: string, options: OpenOptions = {}): Promise<Page> {
	const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 } });
	if (!options.anonymous) {
		const roomId = options.roomId ?? /^\/rooms\/([^/?#]+)/.exec(path)?.[1] ?? 'demo';
		const token = options.token ?? (await sessionToken(baseUrl, roomId, options.role ?? 'facilitator', options.name ?? 'Tester'));
		// What redeeming an invite link leaves behind: the httpOnly session cookie.
		await context.addCookies([{ name: 'cr_session', value: token, url: baseUrl, httpOnly: true, sameSite: 'Strict' }]);
	}
	if (options.initScript) await context.addInitScript(options.initScript);
	if (options.name) await context.addInitScript((n) => localStorage.setItem('customer-room:name', n), options.name);
	const page = await context.newPage();
	await page.goto(`${baseUrl}${path}`);
	const waitFor = options.waitFor === undefined ? '[data-testid="connection-status"][data-state="live"]' : options.waitFor;
	if (waitFor) await page.locator(waitFor).first().waitFor({ timeout: 15_000 });
	return page;
}
