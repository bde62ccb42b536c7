/**
 * Categorization in real Chromium against the real server: a curator writes a rule and sees, as they
 * type, which recent verbatims it would catch; an import leaves rows without a category, and the To
 * review queue is worked by keyboard only (Tab to it, 2 to pick the second category, ↓ to move, Enter
 * to take the first suggestion), each key press changing the counts every screen shows.
 * `SCREENSHOT_DIR=/tmp/x` saves the screens at 1920x1080.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Command, RoomState } from '../../src/lib/domain';
import { useBrowserServer } from '../support/browser-server';
import { openPage, type Role } from '../support/pages';
import { TEST_ADMIN_TOKEN, sessionToken } from '../support/server-process';
import { join, send, type TestSocket } from '../support/test-server';

const ctx = useBrowserServer({});
const FULL_HD = { width: 1920, height: 1080 };

async function roomSocket(roomId: string, role: Role = 'facilitator'): Promise<TestSocket> {
	const token = await sessionToken(ctx.server.url, roomId, role, 'Seeder');
	const socket: TestSocket = connect(ctx.server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	await new Promise((resolve) => socket.once('connect', () => resolve(null)));
	const joined = await join(socket, roomId);
	if (!joined.ok) throw new Error(`join ${roomId}: ${joined.message}`);
	return socket;
}

const quote = (categoryId: string, id: string, text: string, date: string): Command => ({
	type: 'complaint.quote',
	categoryId,
	verbatim: { id, text, date, channel: 'web', segment: null }
});

/** A bank's "Pay" stage with three categories, each with a few verbatims, then `commands`. */
async function newRoom(roomId: string, commands: Command[] = []): Promise<void> {
	const res = await fetch(`${ctx.server.url}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId, name: 'Categorize room', organisation: 'Northwind Bank' })
	});
	if (!res.ok) throw new Error(`create ${roomId}: ${res.status} ${await res.text()}`);
	const socket = await roomSocket(roomId);
	const category = (categoryId: string, name: string): Command => ({
		type: 'complaint.define',
		categoryId,
		stageId: 's-pay',
		touchpointId: null,
		name,
		departments: []
	});
	const base: Command[] = [
		{ type: 'stage.add', stageId: 's-pay', name: 'Pay', customerGoal: 'I want to pay what I expected.' },
		category('c-fees', 'Fees charged unexpectedly'),
		category('c-card', 'Card not delivered'),
		category('c-app', 'App login fails'),
		quote('c-fees', 'f1', 'They took an overdraft fee I never agreed to.', '2026-10-01'),
		quote('c-fees', 'f2', 'A monthly fee appeared on my statement.', '2026-10-02'),
		quote('c-fees', 'f3', 'Overdraft fees again, three times this month.', '2026-10-03'),
		quote('c-card', 'k1', 'My new card never arrived.', '2026-10-01'),
		quote('c-card', 'k2', 'The replacement card was not delivered.', '2026-10-02'),
		quote('c-app', 'a1', 'The app will not let me log in.', '2026-10-01'),
		quote('c-app', 'a2', 'Login fails in the app every morning.', '2026-10-03')
	];
	for (const command of [...base, ...commands]) {
		const result = await send(socket, roomId, command);
		if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	}
	socket.disconnect();
}

async function roomState(roomId: string): Promise<RoomState> {
	const socket = await roomSocket(roomId);
	const joined = await join(socket, roomId);
	socket.disconnect();
	if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
	return joined.state;
}

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `categorize-${name}.png`), fullPage: true });
}

const total = (state: RoomState, categoryId: string) =>
	Object.values(state.complaints[categoryId]!.counts).reduce((a, b) => a + b, 0);

describe('categorization in Chromium', () => {
	it('a rule is tested live on recent verbatims as it is typed, then saved as room state', { timeout: 90_000 }, async () => {
		await newRoom('cat-rules');
		const page = await openPage(ctx.browser, ctx.server.url, '/rooms/cat-rules/curate?tab=categorize', {
			role: 'contributor',
			name: 'Casey',
			viewport: FULL_HD
		});
		await page.getByTestId('rule-add').click();
		const editor = page.getByTestId('rule-editor');
		await editor.getByTestId('rule-category').selectOption('c-fees');
		await editor.getByTestId('rule-all').fill('overdraft');
		await expect
			.poll(() => editor.getByTestId('rule-live-count').textContent())
			.toBe('The rule catches 2 of the 7 recent verbatims of the stage.');
		// One more word narrows it as it is typed: "fee" (plurals count) in both, "again" in one.
		await editor.getByTestId('rule-all').fill('overdraft, fee');
		await editor.getByTestId('rule-none').fill('again');
		await expect
			.poll(() => editor.getByTestId('rule-live-count').textContent())
			.toBe('The rule catches 1 of the 7 recent verbatims of the stage.');
		await expect(editor.getByTestId('rule-live-item').allTextContents()).resolves.toEqual([
			expect.stringContaining('They took an overdraft fee I never agreed to.')
		]);
		await expect(editor.getByTestId('rule-sentence').textContent()).resolves.toBe(
			'Mentions “overdraft” and “fee” but not “again” → Fees charged unexpectedly'
		);
		await screenshot(page, 'rule-live');
		await editor.getByTestId('rule-save').click();
		await page.getByTestId('rule-row').first().waitFor();
		await expect(page.getByTestId('rule-row').first().textContent()).resolves.toContain(
			'Mentions “overdraft” and “fee” but not “again” → Fees charged unexpectedly'
		);
		const state = await roomState('cat-rules');
		expect(state.rules).toEqual([
			{ id: expect.any(String), categoryId: 'c-fees', all: ['overdraft', 'fee'], any: [], none: ['again'] }
		]);
	});

	it(
		'an import leaves rows without a category; the To review queue places them by keyboard only',
		{ timeout: 120_000 },
		async () => {
			// Threshold 1: the classifier places nothing by itself, so every row the rule misses waits for a person.
			const settings = { corridorHidesVerbatims: true, theme: 'dark' as const, classifyThreshold: 1 };
			await newRoom('cat-review', [
				{ type: 'room.configure', patch: { settings } },
				{ type: 'rule.save', ruleId: 'r-pw', categoryId: 'c-app', all: ['password'], any: [], none: [] }
			]);
			const page = await openPage(ctx.browser, ctx.server.url, '/rooms/cat-review/curate?tab=imports', {
				role: 'contributor',
				name: 'Casey',
				viewport: FULL_HD
			});
			const file = [
				'Date,Category,Comment',
				'2026-11-02,,"Charged an overdraft fee, again, without warning."',
				'2026-11-03,,"Still no card in the post after two weeks."',
				'2026-11-04,,"I reset my password and the app still refuses me."',
				'2026-11-05,Card not delivered,"The card went to my old address."'
			].join('\n');
			await page
				.getByTestId('import-file')
				.setInputFiles({ name: 'comments.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
			await page.getByTestId('mapping').waitFor();
			const pick = async (testid: string, name: string) => {
				const value = await page
					.getByTestId(testid)
					.locator('option', { hasText: new RegExp(`^${name}`) })
					.getAttribute('value');
				await page.getByTestId(testid).selectOption(value!);
			};
			await pick('col-category', 'Category');
			await pick('col-text', 'Comment');
			await page.getByTestId('classify-empty').check();
			await page.getByTestId('preview').click();
			await page.getByTestId('import-report').waitFor();
			await expect(page.getByTestId('import-report').textContent()).resolves.toContain('3 rows came without a category.');
			await expect(page.getByTestId('import-report').textContent()).resolves.toContain(
				'Placed by rules: 1. Placed by the classifier, at a confidence of at least 100%: 0. Waiting in To review: 2.'
			);
			await page.getByTestId('import').click();
			await expect.poll(async () => (await roomState('cat-review')).toReview.length, { timeout: 20_000 }).toBe(2);
			const imported = await roomState('cat-review');
			expect(total(imported, 'c-app')).toBe(1);
			expect(imported.complaints['c-app']!.verbatims[0]).toMatchObject({ placed: { how: 'rule', ruleId: 'r-pw' } });

			await page.getByTestId('curate-tab-categorize').click();
			const current = page.getByTestId('review-current');
			await current.waitFor();
			// Keyboard only: Tab until the queue has focus.
			for (let i = 0; i < 40 && !(await current.evaluate((el) => el === document.activeElement)); i++)
				await page.keyboard.press('Tab');
			expect(await current.evaluate((el) => el === document.activeElement)).toBe(true);
			await screenshot(page, 'review-queue');

			// The first waiting verbatim (oldest first): the fee. Its suggestions come first; "1" takes the first.
			expect(await current.locator('blockquote').textContent()).toContain('overdraft fee');
			const firstChoice = (await current.getByTestId('review-choice').first().textContent()) ?? '';
			expect(firstChoice).toContain('Fees charged unexpectedly');
			await page.keyboard.press('1');
			await expect.poll(async () => (await roomState('cat-review')).toReview.length, { timeout: 10_000 }).toBe(1);
			await expect
				.poll(() => page.getByTestId('review-announce').textContent())
				.toBe('Placed in Fees charged unexpectedly. 1 left to review.');
			// Focus stays on the queue: Enter takes the next verbatim's first suggestion (the card).
			expect(await current.evaluate((el) => el === document.activeElement)).toBe(true);
			expect(await current.locator('blockquote').textContent()).toContain('no card');
			await page.keyboard.press('ArrowUp');
			await page.keyboard.press('Enter');
			await expect.poll(async () => (await roomState('cat-review')).toReview.length, { timeout: 10_000 }).toBe(0);
			const done = await roomState('cat-review');
			expect(total(done, 'c-fees')).toBe(1);
			expect(total(done, 'c-card')).toBe(2);
			expect(done.complaints['c-card']!.verbatims.find((v) => v.text.includes('no card'))?.placed).toEqual({
				how: 'person',
				by: 'Casey'
			});
			await expect(page.getByTestId('review-empty').isVisible()).resolves.toBe(true);
			await screenshot(page, 'review-done');
		}
	);

	it(
		'a survey import sorts detractors’ comments: the preview says how many are placed and wait; the queue says survey comment',
		{ timeout: 120_000 },
		async () => {
			const question = 'How likely are you to recommend us?';
			await newRoom('cat-survey', [
				{ type: 'rule.save', ruleId: 'r-pw', categoryId: 'c-app', all: ['password'], any: [], none: [] },
				{ type: 'survey.define', surveyId: 'nps', kind: 'nps', stageId: 's-pay', touchpointId: null, question }
			]);
			const page = await openPage(ctx.browser, ctx.server.url, '/rooms/cat-survey/curate?tab=imports', {
				role: 'contributor',
				name: 'Casey',
				viewport: FULL_HD
			});
			const file = [
				'Date,Score,Comment',
				'2026-11-02,2,"I reset my password and the app still refuses me."',
				'2026-11-03,4,"Overdraft fees again, and a monthly fee on my statement."',
				'2026-11-04,1,"Nobody answers the phone."',
				'2026-11-05,9,"Quick and friendly."'
			].join('\n');
			await page.getByLabel('Survey responses').check();
			await page.getByTestId('import-file').setInputFiles({ name: 'nps.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
			await page.getByTestId('mapping').waitFor();
			await page.getByTestId('survey').selectOption('nps');
			await page.getByTestId('col-date').selectOption('0');
			await page.getByTestId('col-score').selectOption('1');
			await page.getByTestId('col-text').selectOption('2');
			const sorting = page.getByTestId('comment-sorting');
			await expect(sorting.innerText()).resolves.toContain('Also sort the comments into the complaint categories of Pay');
			await page.getByLabel('Also sort the comments into the complaint categories of Pay').check();
			// On, an NPS survey starts with its detractors.
			await expect(page.getByLabel('Which comments').inputValue()).resolves.toBe('detractors');
			await page.getByTestId('preview').click();
			await page.getByTestId('import-report').waitFor();
			await expect(page.getByTestId('import-report').textContent()).resolves.toContain(
				"3 detractors' comments are sorted into the complaint categories of Pay."
			);
			await expect(page.getByTestId('import-report').textContent()).resolves.toContain(
				'Placed by rules: 1. Placed by the classifier, at a confidence of at least 80%: 1. Waiting in To review: 1.'
			);
			await screenshot(page, 'survey-preview');
			// The preview stored nothing.
			expect((await roomState('cat-survey')).toReview).toEqual([]);
			await page.getByTestId('import').click();
			await expect.poll(async () => (await roomState('cat-survey')).toReview.length, { timeout: 20_000 }).toBe(1);
			const imported = await roomState('cat-survey');
			expect(total(imported, 'c-app')).toBe(1);
			expect(total(imported, 'c-fees')).toBe(1);

			await page.getByTestId('curate-tab-categorize').click();
			const current = page.getByTestId('review-current');
			await current.waitFor();
			expect(await current.locator('blockquote').textContent()).toContain('Nobody answers the phone.');
			await expect(current.getByTestId('review-source').textContent()).resolves.toBe(`Survey comment on “${question}”`);
			await screenshot(page, 'survey-review');
		}
	);
});
