/**
 * Minutes as a page and the history of sessions (issue 20) in real Chromium: two sessions held in the demo
 * room; Sessions lists both, newest first, with what each produced; each opens its minutes as a page with
 * the same content as the Markdown download, which prints as a clean document (no header, no navigation).
 * `SCREENSHOT_DIR=/tmp` saves the screens and a PDF.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
import { useBrowserServer } from '../support/browser-server';
import { openPage } from '../support/pages';
import { roomClient, waitUntil } from '../support/room-clients';
import { sessionToken } from '../support/server-process';

const running = useBrowserServer();

beforeAll(async () => {
	const server = running.server;
	const client = roomClient(server.url, 'demo', await sessionToken(server.url, 'demo', 'facilitator', 'Fran'), 'Fran');
	await waitUntil(() => client.store.state !== null, 'the demo room joined');
	// The demo room may hold a session already: end it, so the two below are the newest. (Starting a session
	// records its facilitator as an attendee: Fran, Ana and Tom make three.)
	if (client.store.state?.session && !client.store.state.session.endedAt) await client.store.send({ type: 'session.end' });
	const held: Array<[string, string, string]> = [
		['october-review', 'October review', 'Fund the claims-letter rewrite.'],
		['november-review', 'November review', 'Put a named owner on every complaint older than ten days.']
	];
	for (const [sessionId, title, decision] of held) {
		const steps: Command[] = [
			{ type: 'session.start', sessionId, title, agenda: [] },
			{ type: 'session.attend', name: 'Ana Ruiz' },
			{ type: 'session.attend', name: 'Tom Berg' },
			{ type: 'session.decide', decisionId: `${sessionId}-d1`, text: decision },
			{ type: 'session.end' }
		];
		for (const step of steps) expect((await client.store.send(step)).ok, step.type).toBe(true);
	}
	client.close();
}, 60_000);

describe('minutes and the history of sessions', () => {
	it('lists every session newest first; each opens its minutes as a page that prints cleanly', async () => {
		const page = await openPage(running.browser, running.server.url, '/rooms/demo/sessions', {
			name: 'Fran',
			role: 'facilitator',
			waitFor: '[data-testid="session-history"]'
		});
		const rows = page.getByTestId('history-session');
		expect(await rows.count()).toBeGreaterThanOrEqual(2);
		expect(await rows.nth(0).textContent()).toContain('November review');
		expect(await rows.nth(1).textContent()).toContain('October review');
		expect(await rows.nth(0).textContent()).toMatch(/3 attendees, 1 decision, 0 teams chartered, 0 wins/);
		const dir = process.env.SCREENSHOT_DIR;
		if (dir) await page.screenshot({ path: path.join(dir, 'minutes-history.png'), fullPage: true });

		await rows.nth(1).getByRole('link').click();
		await page.waitForURL(`${running.server.url}/rooms/demo/sessions/october-review`);
		const minutes = page.getByTestId('minutes-document');
		await minutes.waitFor();
		expect(await minutes.locator('h1').textContent()).toBe('October review');
		expect(await page.getByTestId('minutes-decisions').textContent()).toContain('Fund the claims-letter rewrite.');
		expect(await minutes.textContent()).toContain('Ana Ruiz, Tom Berg');
		// What changed since the session before (the demo's own, if it held one, else none).
		expect(await page.getByTestId('minutes-since').textContent()).toMatch(
			/Since the last session\s*(This was the room's first session|Since .+:)/
		);
		if (dir) await page.screenshot({ path: path.join(dir, 'minutes-page.png'), fullPage: true });

		// Printed: the document alone, black on white, no room header or navigation.
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('header.room-header').isVisible()).toBe(false);
		expect(await page.locator('nav.pages').isVisible()).toBe(false);
		expect(await page.getByTestId('minutes-print').isVisible()).toBe(false);
		expect(await minutes.isVisible()).toBe(true);
		if (dir) {
			await page.screenshot({ path: path.join(dir, 'minutes-print.png'), fullPage: true });
			await page.pdf({ path: path.join(dir, 'minutes.pdf'), format: 'A4' });
		}
	});

	it('an address of no session says so and leads back', async () => {
		const page = await openPage(running.browser, running.server.url, '/rooms/demo/sessions/no-such-session', {
			name: 'Fran',
			role: 'facilitator',
			waitFor: '[data-testid="minutes-missing"]'
		});
		expect(await page.getByTestId('minutes-missing').textContent()).toMatch(/no session with this address/);
	});
});
