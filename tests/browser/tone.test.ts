// Tone and new phrases in real Chromium against the real server (demo room): a word and a mark on the
// board's verbatims, the phrases new this month on the board and in the session's stage focus, each
// opening the verbatims that hold it; on a laptop at 1080p and a phone at 360x740.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoomState } from '../../src/lib/domain';
import { useBrowserServer } from '../support/browser-server';
import { openPage } from '../support/pages';
import { sessionToken } from '../support/server-process';
import { join, send, type TestSocket } from '../support/test-server';

const SCREENSHOTS = process.env.SCREENSHOT_DIR;
const env = useBrowserServer();
const WORDS = 'The letter never arrived and the app login failed again. Awful.';

async function facilitatorSocket(): Promise<TestSocket> {
	const token = await sessionToken(env.server.url, 'demo', 'facilitator', 'Test writer');
	const socket: TestSocket = connect(env.server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	await new Promise((resolve) => socket.once('connect', () => resolve(null)));
	const joined = await join(socket, 'demo');
	if (!joined.ok) throw new Error(joined.message);
	return socket;
}

async function roomState(socket: TestSocket): Promise<RoomState> {
	const joined = await join(socket, 'demo');
	if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
	return joined.state;
}

const shot = async (page: Page, name: string) => {
	if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, name) });
};

beforeAll(async () => {
	// Four customers this month say the same new thing about the card's arrival.
	const socket = await facilitatorSocket();
	const today = new Date().toISOString().slice(0, 10);
	for (let i = 0; i < 4; i++) {
		const result = await send(socket, 'demo', {
			type: 'complaint.quote',
			categoryId: 'c-card-arrival',
			verbatim: { id: `tone-${i}`, text: WORDS, date: today, channel: 'Web', segment: null }
		});
		if (!result.ok) throw new Error(result.message);
	}
	// The server finds the phrases a moment after the quotes settle.
	const end = Date.now() + 30_000;
	for (;;) {
		const found = (await roomState(socket)).phrases['onboard'];
		if (found?.phrases.some((p) => p.text.includes('never arrived'))) break;
		if (Date.now() > end) throw new Error('no new phrases were found');
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	socket.disconnect();
}, 60_000);

describe('tone and new phrases on the board', () => {
	it("marks a verbatim's tone with a word and a shape, and lists the stage's new phrases, each opening its verbatims", async () => {
		const page = await openPage(env.browser, env.server.url, '/rooms/demo', {
			name: 'Cole',
			role: 'contributor',
			viewport: { width: 1920, height: 1080 }
		});
		const column = page.locator('[data-testid="stage-column"][data-stage-id="onboard"]');
		const newest = column.locator('[data-testid="complaint-c-card-arrival"] [data-testid="newest-verbatim"]');
		await expect(newest.innerText()).resolves.toContain('letter never arrived');
		const mark = newest.getByTestId('tone-mark');
		await expect(mark.getAttribute('data-tone')).resolves.toBe('negative');
		await expect(mark.innerText()).resolves.toMatch(/▼\s*negative/);

		const phrases = column.getByTestId('new-phrases');
		await expect(phrases.innerText()).resolves.toMatch(/New in \w{3} \d{4}:/);
		const phrase = phrases.getByRole('button', { name: /never arrived/ });
		await column.getByTestId('stage-tone').waitFor();
		await column.evaluate((el) => (el.scrollTop = 0));
		await shot(page, 'tone-board-1080p.png');

		// By keyboard: focus the phrase and press Enter; the dialog lists the verbatims that hold it.
		await phrase.focus();
		await page.keyboard.press('Enter');
		const dialog = page.getByTestId('phrase-verbatims');
		await dialog.getByTestId('phrase-verbatim').first().waitFor();
		const listed = await dialog.getByTestId('phrase-verbatim').allInnerTexts();
		expect(listed.length).toBeGreaterThanOrEqual(4);
		for (const text of listed) expect(text.toLowerCase()).toContain('never arrived');
		await expect(dialog.getByTestId('tone-mark').first().innerText()).resolves.toContain('negative');
		await shot(page, 'tone-phrase-dialog-1080p.png');
		await page.keyboard.press('Escape');
		await expect(dialog.isVisible()).resolves.toBe(false);
		await page.context().close();
	}, 60_000);

	it('fits a phone: the phrases wrap inside the column', async () => {
		const page = await openPage(env.browser, env.server.url, '/rooms/demo', {
			name: 'Cole',
			role: 'contributor',
			viewport: { width: 360, height: 740 }
		});
		const column = page.locator('[data-testid="stage-column"][data-stage-id="onboard"]');
		await column.scrollIntoViewIfNeeded();
		const phrases = column.getByTestId('new-phrases');
		await phrases.waitFor();
		const box = (await phrases.boundingBox())!;
		const columnBox = (await column.boundingBox())!;
		expect(box.x + box.width).toBeLessThanOrEqual(columnBox.x + columnBox.width + 1);
		await shot(page, 'tone-board-phone.png');
		await page.context().close();
	}, 60_000);
});

describe('tone and new phrases in the session', () => {
	it("shows the stage's tone and new phrases in the stage focus, each opening its verbatims", async () => {
		const page = await openPage(env.browser, env.server.url, '/rooms/demo/facilitate', {
			name: 'Fiona Facilitator',
			role: 'facilitator',
			viewport: { width: 1920, height: 1080 }
		});
		const start = page.getByRole('button', { name: 'Start session' });
		if (await start.isVisible()) await start.click();
		await page.getByTestId('agenda-onboard').click();
		const focus = page.locator('[data-testid="stage-focus"][data-stage-id="onboard"]');
		await focus.waitFor();
		await expect(focus.getByTestId('stage-tone').innerText()).resolves.toMatch(
			/% of the \d+ verbatims of \w{3} \d{4} read negative\./
		);
		await focus.getByRole('button', { name: /never arrived/ }).click();
		const dialog = page.getByTestId('phrase-verbatims');
		await dialog.getByTestId('phrase-verbatim').first().waitFor();
		await shot(page, 'tone-session-dialog-1080p.png');
		await page.keyboard.press('Escape');
		await shot(page, 'tone-session-1080p.png');
		await page.context().close();
	}, 60_000);
});

describe('tone and new phrases on the wall', () => {
	it("shows the stage's new phrases and the newest verbatim's tone, large, at 1080p", async () => {
		const page = await openPage(env.browser, env.server.url, '/rooms/demo/wall', {
			role: 'viewer',
			viewport: { width: 1920, height: 1080 },
			waitFor: '[data-testid="wall-column"]'
		});
		const phrases = page.getByTestId('wall-phrases');
		await phrases.waitFor();
		await expect(phrases.innerText()).resolves.toMatch(/never arrived/);
		const size = await phrases
			.locator('[data-testid="wall-phrase"]')
			.first()
			.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		expect(size).toBeGreaterThanOrEqual(18);
		await expect(page.getByTestId('wall-verbatim').first().getByTestId('tone-mark').innerText()).resolves.toContain('negative');
		await shot(page, 'tone-wall-1080p.png');
		await page.context().close();
	}, 60_000);
});
