/**
 * What a browser gets from the production build, in real Chromium: a damaged invite link shows a sentence,
 * not a blank page; pages allow websockets to this server only (CSP `connect-src 'self'`, which Chromium
 * applies to same-origin ws:) and refuse to be framed; the build's static files carry the security headers.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;

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

describe('hardening in Chromium', () => {
	it('says an invite link is damaged when its fragment is not valid percent-encoding', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${server.url}/join#%E0%A4%A`);
		const alert = page.getByRole('alert');
		await alert.waitFor({ timeout: 10_000 });
		expect(await alert.innerText()).toContain(
			'This invite link is damaged: part of it was cut off or changed on its way to you.'
		);
		// The damaged token is gone from the address bar too.
		expect(new URL(page.url()).hash).toBe('');
		// (SvelteKit's own scroll-to-anchor still reports "URI malformed" in the console; the page is whole.)
		if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'join-damaged.png') });
		await context.close();
	});

	it('lets the page open its websocket under connect-src self, with no CSP violation, and forbids framing', async () => {
		const violations: string[] = [];
		const page = await openPage(browser, server.url, '/rooms/demo/wall', { role: 'viewer', waitFor: null });
		page.on('console', (message) => {
			if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
		});
		// The wall says Live only once its websocket is open and joined.
		await page.getByText('Live', { exact: true }).first().waitFor({ timeout: 15_000 });
		expect(violations).toEqual([]);
		const res = await fetch(`${server.url}/rooms/demo/wall`);
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("connect-src 'self'");
		expect(csp).not.toMatch(/\bwss?:/);
		expect(csp).toContain("frame-ancestors 'none'");
		expect(res.headers.get('x-frame-options')).toBe('DENY');
		await page.context().close();
	});

	it('serves the build’s static files with the security headers', async () => {
		const page = await fetch(`${server.url}/join`);
		const file = /_app\/immutable\/[\w./-]+\.js/.exec(await page.text())?.[0];
		expect(file, 'a script of the build').toBeTruthy();
		const res = await fetch(`${server.url}/${file}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('x-frame-options')).toBe('DENY');
		expect(res.headers.get('referrer-policy')).toBe('no-referrer');
	});
});
