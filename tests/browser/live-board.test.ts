import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, type TestSocket } from '../support/test-server';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { freePort, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
let dataDir: string;
let port: number;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	dataDir = tmp.dir;
	port = await freePort();
	server = await startServerProcess(dataDir, { SEED_DEMO: 'true', PORT: String(port) });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

/** A page in its own browser context (its own client id), signed in with a display name. */
const openBoard = (name: string): Promise<Page> => openPage(browser, server.url, '/rooms/demo', { name, role: 'contributor' });

describe('the board in Chromium', () => {
	it('lists the demo room on the home page and links to it', async () => {
		const page = await openPage(browser, server.url, '/', { roomId: 'demo', waitFor: '[data-testid="rooms"]' });
		const link = page.getByRole('link', { name: /Northwind Bank/ });
		await expect(link.first().getAttribute('href')).resolves.toBe('/rooms/demo');
		await page.context().close();
	});

	it('keeps the page to its content when the mouse wheel turns over a column at 1440x900: no blank space below the board', async () => {
		const page = await openBoard('Wheel');
		const column = page.getByTestId('stage-column').nth(1);
		const box = (await column.boundingBox())!;
		await page.mouse.move(box.x + box.width / 2, box.y + Math.min(300, box.height / 2));
		// Far past the end of the column: the column scrolls to its end, and the page does not follow.
		for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 400);
		await expect.poll(() => column.evaluate((c) => c.scrollTop)).toBeGreaterThan(0);
		const extent = await page.evaluate(() => ({
			scrollY: window.scrollY,
			scrollHeight: document.documentElement.scrollHeight,
			innerHeight: window.innerHeight
		}));
		expect(extent).toEqual({ scrollY: 0, scrollHeight: 900, innerHeight: 900 });
		// The board still fills the window: its columns are on screen, not scrolled away above it.
		const columnTop = (await column.boundingBox())!.y;
		expect(columnTop).toBeGreaterThanOrEqual(0);
		expect(columnTop).toBeLessThan(300);
		if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/board-after-wheel.png` });
		await page.context().close();
	});

	it('shows a change made in one page in another page, live', async () => {
		const alice = await openBoard('Alice');
		const bob = await openBoard('Bob');
		expect(await alice.locator('[data-testid="stage-column"]').count()).toBe(7);

		// Alice assesses an unassessed touchpoint as broken.
		const target = alice.locator('[data-testid^="touchpoint-"][data-maturity="unassessed"]').first();
		const testId = (await target.getAttribute('data-testid'))!;
		await target.locator('summary', { hasText: 'Assess' }).click();
		await target.getByLabel('Maturity').selectOption('broken');
		await target.getByLabel('Evidence').fill('Mystery shop: 3 of 5 calls dropped');
		await target.getByRole('button', { name: 'Save assessment' }).click();

		// Bob sees it without reloading, with Alice named as the author.
		const onBob = bob.locator(`[data-testid="${testId}"]`);
		await expect.poll(() => onBob.getAttribute('data-maturity'), { timeout: 5_000 }).toBe('broken');
		await expect.poll(() => onBob.textContent(), { timeout: 5_000 }).toContain('Alice');

		// Bob adds a verbatim; Alice sees it as the newest one.
		const category = bob.locator('[data-testid^="complaint-"]').first();
		const categoryId = (await category.getAttribute('data-testid'))!;
		await category.locator('summary').first().click();
		await category.getByLabel("The customer's words").fill('I waited 40 minutes and nobody called back.');
		await category.getByRole('button', { name: 'Add verbatim' }).click();
		const newest = alice.locator(`[data-testid="${categoryId}"] [data-testid="newest-verbatim"]`);
		await expect.poll(() => newest.textContent(), { timeout: 5_000 }).toContain('nobody called back');

		// Both pages end at the same version (each applies broadcasts as they arrive, so poll briefly).
		const versionOf = (p: Page) => p.locator('[data-testid="board"]').getAttribute('data-version');
		await expect.poll(async () => (await versionOf(alice)) === (await versionOf(bob)), { timeout: 5_000 }).toBe(true);
		await alice.context().close();
		await bob.context().close();
	});

	it('keeps a change made while the server is down, sends it once on return, and catches up', async () => {
		const alice = await openBoard('Alice');
		const bob = await openBoard('Bob');
		server.child.kill('SIGKILL');
		await server.exited;
		await expect
			.poll(() => alice.locator('[data-testid="connection-status"]').getAttribute('data-state'), { timeout: 10_000 })
			.toBe('reconnecting');

		// Made offline: it waits in the outbox, shown as pending.
		const category = alice.locator('[data-testid^="complaint-"]').nth(1);
		const categoryId = (await category.getAttribute('data-testid'))!;
		await category.locator('summary').first().click();
		await category.getByLabel("The customer's words").fill('Made while the server was down.');
		await category.getByRole('button', { name: 'Add verbatim' }).click();
		await expect.poll(() => alice.locator('[data-testid="pending-count"]').textContent()).toContain('1');

		server = await startServerProcess(dataDir, { SEED_DEMO: 'true', PORT: String(port) });
		for (const page of [alice, bob]) {
			const newest = page.locator(`[data-testid="${categoryId}"] [data-testid="newest-verbatim"]`);
			await expect.poll(() => newest.textContent(), { timeout: 15_000 }).toContain('Made while the server was down');
			await expect
				.poll(() => page.locator('[data-testid="connection-status"]').getAttribute('data-state'), { timeout: 10_000 })
				.toBe('live');
		}
		await expect.poll(() => alice.locator('[data-testid="pending-count"]').count()).toBe(0);
		// Applied exactly once, though the page may have sent it more than once.
		const token = await sessionToken(server.url, 'demo', 'viewer');
		const reader: TestSocket = connect(server.url, {
			transports: ['websocket'],
			forceNew: true,
			reconnection: false,
			auth: { token }
		});
		await new Promise((resolve) => reader.once('connect', () => resolve(null)));
		const joined = await join(reader, 'demo');
		reader.disconnect();
		if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
		const id = categoryId.replace(/^complaint-/, '');
		const copies = joined.state.complaints[id]!.verbatims.filter((v) => v.text === 'Made while the server was down.');
		expect(copies).toHaveLength(1);
		await alice.context().close();
		await bob.context().close();
	});
});
