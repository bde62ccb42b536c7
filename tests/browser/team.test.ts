// A fix team's page on a phone, against the real server (demo room): it fits a 360 px screen, and what a
// member does while the server is away waits as pending and lands exactly once when it is back.
import type { Browser } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { freePort, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { join, type TestSocket } from '../support/test-server';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
let dataDir: string;
let port: number;

const PHONE = { width: 390, height: 844 };
const TEAM_PATH = '/rooms/demo/teams/t-one-sitting';

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

describe('a fix team on a phone', () => {
	it('fits a 360 px wide screen without sideways scrolling, with every control labelled', { timeout: 60_000 }, async () => {
		for (const path of [TEAM_PATH, '/rooms/demo/teams']) {
			const page = await openPage(browser, server.url, path, {
				name: 'Priya Shah',
				role: 'contributor',
				viewport: { width: 360, height: 740 }
			});
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
			const unlabelled = await page.evaluate(() =>
				[...document.querySelectorAll('input, select, textarea')]
					.filter((el) => (el as HTMLInputElement).type !== 'hidden')
					.filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
					.map((el) => el.outerHTML.slice(0, 80))
			);
			expect(unlabelled).toEqual([]);
			await page.context().close();
		}
	});

	it(
		'shows linked evidence with live figures and moves a touchpoint up the ladder with its evidence',
		{ timeout: 60_000 },
		async () => {
			const member = await openPage(browser, server.url, TEAM_PATH, { name: 'Tom Becker', role: 'contributor', viewport: PHONE });
			const other = await openPage(browser, server.url, TEAM_PATH, { name: 'Priya Shah', role: 'contributor' });
			await member.getByTestId('evidence-complaint-c-cant-open').waitFor();
			await member.getByTestId('evidence-kpi-k-one-sitting').waitFor();

			const touchpoint = member.getByTestId('evidence-touchpoint-tp-id-check');
			await touchpoint.getByText('Move on the ladder').click();
			await touchpoint.getByRole('radio', { name: /Reliable/ }).check();
			await touchpoint.getByLabel('Evidence for the move').fill('Live camera capture: 96% of photos pass first time.');
			await touchpoint.getByRole('button', { name: 'Move to reliable' }).click();
			const seen = other.getByTestId('evidence-touchpoint-tp-id-check');
			await expect.poll(() => seen.getAttribute('data-maturity'), { timeout: 5_000 }).toBe('reliable');
			await expect.poll(() => seen.textContent(), { timeout: 5_000 }).toContain('96% of photos');
			await other
				.locator('[data-testid="activity-item"]', {
					hasText: 'Tom Becker moved Identity & address verification from broken to reliable'
				})
				.waitFor();
			await member.context().close();
			await other.context().close();
		}
	);

	it(
		'queues an update made while the server is away, shows it pending, and lands it exactly once',
		{ timeout: 90_000 },
		async () => {
			const member = await openPage(browser, server.url, TEAM_PATH, {
				name: 'Grace Okafor',
				role: 'contributor',
				viewport: PHONE
			});
			server.child.kill('SIGKILL');
			await server.exited;
			await expect
				.poll(() => member.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 })
				.toBe('reconnecting');

			// Made offline: the text clears, and the update waits in the list, marked as not sent yet.
			const words = 'Found on the train: the resume link drops the uploaded ID photo.';
			await member.getByLabel('Update', { exact: true }).fill(words);
			await member.getByRole('button', { name: 'Post finding' }).click();
			const pending = member.getByTestId('pending-update');
			await pending.waitFor();
			expect(await pending.textContent()).toContain(words);
			expect(await pending.textContent()).toContain('Waiting to send');
			await expect(member.getByLabel('Update', { exact: true }).inputValue()).resolves.toBe('');
			await expect.poll(() => member.getByTestId('pending-count').textContent()).toContain('1');

			server = await startServerProcess(dataDir, { SEED_DEMO: 'true', PORT: String(port) });
			await member.locator('[data-testid="team-update"]', { hasText: words }).waitFor({ timeout: 20_000 });
			await expect.poll(() => pending.count(), { timeout: 10_000 }).toBe(0);
			await expect
				.poll(() => member.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 })
				.toBe('live');

			// Exactly once in the room, though the page may have sent it more than once.
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
			const copies = joined.state.teams['t-one-sitting']!.updates.filter((u) => u.text === words);
			expect(copies).toHaveLength(1);
			expect(copies[0]!.author).toBe('Grace Okafor');
			expect(await member.locator('[data-testid="team-update"]', { hasText: words }).count()).toBe(1);
			await member.context().close();
		}
	);
});
