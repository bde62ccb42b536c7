/**
 * KPIs and surveys set up by hand and by import, in real Chromium against the real server: a KPI added
 * in Curate with values entered, corrected and removed, reordered within its stage; a survey added with a
 * month's distribution whose n and headline follow the typing; both on the board; a KPI file that
 * creates the KPI it names, listed as new in the preview; "Add a KPI" where a page says there are none,
 * for contributors and not viewers. `SCREENSHOT_DIR=docs` also saves the curate screens (1440x900 and a
 * 390x844 phone) and the board and wall at 1920x1080.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, RoomState } from '../../src/lib/domain';
import { launchChromium } from '../support/browser';
import { openPage, type Role } from '../support/pages';
import { TEST_ADMIN_TOKEN, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { join, send, type TestSocket } from '../support/test-server';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
const opened: Page[] = [];
const shots = process.env.SCREENSHOT_DIR;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, {});
	browser = await launchChromium();
});

afterAll(async () => {
	await Promise.all(
		opened.map((p) =>
			p
				.context()
				.close()
				.catch(() => {})
		)
	);
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

async function roomSocket(roomId: string, role: Role = 'facilitator'): Promise<TestSocket> {
	const token = await sessionToken(server.url, roomId, role, 'Seeder');
	const socket: TestSocket = connect(server.url, {
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

async function newRoom(roomId: string, commands: Command[] = []): Promise<void> {
	const res = await fetch(`${server.url}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId, name: `Room ${roomId}`, organisation: 'Test Insurer' })
	});
	if (!res.ok) throw new Error(`create ${roomId}: ${res.status} ${await res.text()}`);
	const socket = await roomSocket(roomId);
	for (const command of commands) {
		const result = await send(socket, roomId, command);
		if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	}
	socket.disconnect();
}

async function roomState(roomId: string): Promise<RoomState> {
	const socket = await roomSocket(roomId, 'viewer');
	const joined = await join(socket, roomId);
	socket.disconnect();
	if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
	return joined.state;
}

const stage = (stageId: string, name: string): Command => ({ type: 'stage.add', stageId, name, customerGoal: '' });

async function open(p: string, role: Role, name: string, viewport?: { width: number; height: number }): Promise<Page> {
	const page = await openPage(browser, server.url, p, { role, name, viewport });
	opened.push(page);
	return page;
}

const kpiOrder = (page: Page) =>
	page.locator('[data-testid="kpi-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.kpi));

describe('KPIs and surveys in Chromium', () => {
	it(
		'adds a KPI by hand, enters, corrects and removes values, reorders it, and the board shows it',
		{ timeout: 120_000 },
		async () => {
			await newRoom('ck-kpi', [stage('s-claim', 'Claim'), stage('s-settle', 'Settle')]);
			const board = await open('/rooms/ck-kpi', 'contributor', 'Cora Contributor');
			// The board says there are none, and offers to add one to that stage.
			const settleColumn = board.locator('[data-testid="stage-column"][data-stage-id="s-settle"]');
			await settleColumn.getByTestId('add-kpi-link').click();
			await board.getByTestId('kpi-form').waitFor();
			expect(new URL(board.url()).searchParams.get('add')).toBe('s-settle');

			const form = board.getByTestId('kpi-form');
			expect(await form.getByLabel('Stage').inputValue()).toBe('s-settle');
			await form.getByLabel('KPI name').fill('Days to settle');
			await form.getByLabel('Unit').fill('days');
			await form.getByTestId('direction-lower').check();
			await form.getByLabel('Target (optional)').fill('10');
			await form.getByLabel('Warning band').fill('2');
			await form.getByLabel('Source').fill('Claims system');
			await form.getByRole('button', { name: 'Add KPI' }).click();
			const detail = board.getByTestId('kpi-detail');
			await detail.waitFor();
			expect(await detail.textContent()).toContain('10 days, amber within 2 days');

			// A value for a date, then a wrong one, removed.
			const values = board.getByTestId('kpi-value-form');
			await values.getByLabel('Date').fill('2026-03-02');
			await values.getByLabel('Value (days)').fill('12,5');
			await values.getByRole('button', { name: 'Add value' }).click();
			await board.locator('[data-testid="kpi-point"][data-date="2026-03-02"]').waitFor();
			await values.getByLabel('Date').fill('2026-03-09');
			await values.getByLabel('Value (days)').fill('990');
			await values.getByRole('button', { name: 'Add value' }).click();
			await board.locator('[data-testid="kpi-point"][data-date="2026-03-09"]').waitFor();
			await board.getByRole('button', { name: 'Remove the value of 9 Mar 2026' }).click();
			await board.locator('[data-testid="kpi-point"][data-date="2026-03-09"]').waitFor({ state: 'detached' });
			// The right value corrected in place.
			await board.getByRole('button', { name: 'Edit the value of 2 Mar 2026' }).click();
			await board.getByTestId('kpi-point-value').fill('11');
			await board.getByRole('button', { name: 'Save', exact: true }).click();
			await expect
				.poll(() => board.locator('[data-testid="kpi-point"][data-date="2026-03-02"]').textContent())
				.toContain('11 days');
			let state = await roomState('ck-kpi');
			const kpi = Object.values(state.kpis)[0]!;
			expect(kpi).toMatchObject({
				name: 'Days to settle',
				stageId: 's-settle',
				unit: 'days',
				direction: 'lower',
				target: 10,
				warning: 2,
				points: [{ date: '2026-03-02', value: 11 }]
			});

			// A second KPI on the stage, moved above the first.
			await board.getByTestId('add-kpi').click();
			await board.getByTestId('kpi-form').getByLabel('KPI name').fill('Claims reopened');
			await board.getByTestId('kpi-form').getByLabel('Stage').selectOption('s-settle');
			await board.getByTestId('kpi-form').getByRole('button', { name: 'Add KPI' }).click();
			await expect.poll(() => kpiOrder(board).then((o) => o.length)).toBe(2);
			const second = (await kpiOrder(board))[1]!;
			await board.getByRole('button', { name: 'Move “Claims reopened” up' }).focus();
			await board.keyboard.press('Enter');
			await expect.poll(() => kpiOrder(board)).toEqual([second, kpi.id]);
			// Focus stays with the KPI that moved; at the top, on its other arrow.
			await expect
				.poll(() => board.evaluate(() => document.activeElement?.getAttribute('aria-label')))
				.toBe('Move “Claims reopened” down');
			state = await roomState('ck-kpi');
			expect(state.kpis[second]!.order).toBe(0);
			// A contributor may not remove a KPI: no Remove button, and the tab says so.
			expect(await board.getByTestId('remove-kpi').count()).toBe(0);

			// The board shows both, in that order, with the value entered.
			await board.goto(`${server.url}/rooms/ck-kpi`);
			const column = board.locator('[data-testid="stage-column"][data-stage-id="s-settle"]');
			await column.getByTestId('section-kpis').waitFor();
			const names = await column.getByTestId('section-kpis').locator('li').allTextContents();
			expect(names[0]).toContain('Claims reopened');
			expect(names[1]).toContain('Days to settle');
			expect(names[1]).toContain('11');

			// A facilitator removes one, told what goes.
			const fac = await open(`/rooms/ck-kpi/curate?tab=kpis&kpi=${kpi.id}`, 'facilitator', 'Fiona Facilitator');
			await fac.getByTestId('remove-kpi').click();
			const dialog = fac.getByTestId('kpi-remove-dialog');
			expect((await dialog.textContent())!.replace(/\s+/g, ' ')).toContain(
				'The KPI and its value go from the board and every wall.'
			);
			await dialog.getByTestId('confirm-remove-kpi').click();
			await expect.poll(async () => Object.keys((await roomState('ck-kpi')).kpis)).toEqual([second]);
		}
	);

	it(
		'adds a survey, shows n and the headline live as a month is typed, quotes a verbatim, and the board shows it',
		{ timeout: 120_000 },
		async () => {
			await newRoom('ck-survey', [stage('s-claim', 'Claim')]);
			const page = await open('/rooms/ck-survey/curate?tab=surveys', 'contributor', 'Cora Contributor');
			await page.getByTestId('surveys-tab').waitFor();
			await page.getByTestId('add-survey').click();
			const form = page.getByTestId('survey-form');
			await form.getByTestId('kind-nps').check();
			await form.getByLabel('Question').fill('How likely are you to recommend us after your claim?');
			await form.getByRole('button', { name: 'Add survey' }).click();
			await page.getByTestId('survey-detail').waitFor();

			const dist = page.getByTestId('distribution-form');
			await dist.getByLabel('Month').fill('2026-02');
			const live = page.getByTestId('live-reading');
			// Typing 30 promoters: n = 30, NPS +100; then 10 detractors: n = 40, NPS (30 - 10) / 40 = +50.
			await dist.getByTestId('count-10').fill('30');
			await expect.poll(() => live.getByTestId('live-n').textContent()).toBe('30');
			expect(await live.getByTestId('live-headline').textContent()).toBe('+100');
			await dist.getByTestId('count-0').fill('10');
			await expect.poll(() => live.getByTestId('live-n').textContent()).toBe('40');
			expect(await live.getByTestId('live-headline').textContent()).toBe('+50');
			// A count that is not a whole number is shown, not sent.
			await dist.getByTestId('count-5').fill('2.5');
			await dist.getByTestId('distribution-save').click();
			expect(await page.getByRole('alert').first().textContent()).toContain('check the count for 5');
			await dist.getByTestId('count-5').fill('');
			await dist.getByTestId('distribution-save').click();
			await expect.poll(() => page.getByTestId('distribution-save').textContent()).toContain('Replace Feb 2026');

			const quote = page.getByTestId('quote-form');
			await quote.getByLabel('What the customer wrote').fill('Nobody called me back for three weeks.');
			await quote.getByRole('button', { name: 'Add the quote' }).click();
			await page.getByTestId('survey-quotes').waitFor();

			const state = await roomState('ck-survey');
			const survey = Object.values(state.surveys)[0]!;
			expect(survey).toMatchObject({ kind: 'nps', scale: { min: 0, max: 10 }, stageId: 's-claim' });
			expect(survey.responses['2026-02']).toEqual([10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30]);
			expect(survey.verbatims.map((v) => v.text)).toEqual(['Nobody called me back for three weeks.']);

			// A custom survey with its own top box leads with the top-box share.
			await page.getByTestId('add-survey').click();
			await form.getByTestId('kind-custom').check();
			await form.getByTestId('scale-max').selectOption('5');
			await form.getByTestId('top-box').selectOption('4');
			await form.getByLabel('Question').fill('How clear was the claim letter?');
			await form.getByRole('button', { name: 'Add survey' }).click();
			await page.getByTestId('survey-detail').waitFor();
			await expect.poll(() => page.getByTestId('survey-detail').textContent()).toContain('top box 4 to 5');
			const custom = page.getByTestId('distribution-form');
			await custom.getByLabel('Month').fill('2026-02');
			await custom.getByTestId('count-1').fill('6');
			await custom.getByTestId('count-4').fill('3');
			await custom.getByTestId('count-5').fill('1');
			await expect.poll(() => live.getByTestId('live-headline').textContent()).toBe('40%');
			expect(await live.textContent()).toContain('thin sample');
			await custom.getByTestId('distribution-save').click();
			await expect.poll(() => page.getByTestId('distribution-save').textContent()).toContain('Replace');

			const board = await open('/rooms/ck-survey', 'viewer', 'Vic Viewer');
			const card = board.getByTestId(`survey-${survey.id}`);
			await card.waitFor();
			expect(await card.textContent()).toContain('+50');
			expect(await card.textContent()).toContain('n = 40');
			// A viewer is offered no "Add a KPI".
			expect(await board.getByTestId('add-kpi-link').count()).toBe(0);
		}
	);

	it(
		'imports a KPI file that creates the KPI it names, listed as new with the rule that placed it',
		{ timeout: 120_000 },
		async () => {
			await newRoom('ck-import', [stage('s-claim', 'Claim'), stage('s-pay', 'Pay and renew')]);
			const page = await open('/rooms/ck-import/curate?tab=imports', 'contributor', 'Cora Contributor');
			await page.getByLabel('KPI values').check();
			const text =
				'week,area,kpi,value\n2026-W10,Billing,Failed renewals,4.5\n2026-W11,Billing,Failed renewals,3\n2026-W54,Billing,Failed renewals,9\n';
			await page.getByTestId('import-file').setInputFiles({ name: 'kpis.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
			await page.getByTestId('mapping').waitFor();
			await page.getByTestId('col-kpi-name').selectOption('2');
			await page.getByTestId('col-value').selectOption('3');
			const rules = page.getByTestId('stage-rules');
			await rules.getByTestId('add-rule').click();
			await rules.getByLabel('Rule 1: column').selectOption('1');
			await rules.getByLabel('Rule 1: value').fill('Billing');
			await rules.getByLabel('Rule 1: stage').selectOption({ label: 'Pay and renew' });
			await page.getByTestId('preview').click();
			const row = page.locator('[data-testid="category-total"][data-new="true"]');
			await row.waitFor();
			expect(await row.textContent()).toContain('Failed renewals');
			expect(await row.getByTestId('placed-by').textContent()).toBe('"area" is "Billing"');
			expect(await page.getByTestId('row-errors').textContent()).toContain('"2026-W54" is not a date');
			if (shots) await page.screenshot({ path: path.join(shots, 'curate-kpi-import.png'), fullPage: true });
			await page.getByTestId('import').click();
			await page.getByText('Imported:').waitFor();

			const state = await roomState('ck-import');
			const created = Object.values(state.kpis);
			expect(created).toHaveLength(1);
			expect(created[0]).toMatchObject({
				name: 'Failed renewals',
				stageId: 's-pay',
				points: [
					{ date: '2026-03-02', value: 4.5 },
					{ date: '2026-03-09', value: 3 }
				]
			});
			await page.goto(`${server.url}/rooms/ck-import/curate?tab=kpis&kpi=${created[0]!.id}`);
			await page.getByTestId('kpi-detail').waitFor();
			expect(await page.getByTestId('kpi-points').locator('[data-testid="kpi-point"]').count()).toBe(2);
		}
	);

	it(
		'looks right: the KPI and survey screens on a laptop and a phone, the board and the wall at 1080p',
		{ timeout: 120_000 },
		async () => {
			const points = (base: number) =>
				Array.from({ length: 8 }, (_, i) => ({
					date: `2026-0${1 + Math.floor(i / 4)}-${String(1 + (i % 4) * 7).padStart(2, '0')}`,
					value: base - i * 0.4
				}));
			const kpi = (
				kpiId: string,
				stageId: string,
				name: string,
				unit: string,
				target: number,
				direction: 'higher' | 'lower'
			): Command => ({
				type: 'kpi.define',
				kpiId,
				stageId,
				touchpointId: null,
				name,
				unit,
				direction,
				target,
				warning: 1,
				source: 'Claims system',
				department: null
			});
			await newRoom('ck-look', [
				stage('s-quote', 'Get a quote'),
				stage('s-claim', 'Make a claim'),
				stage('s-settle', 'Get settled'),
				kpi('k-days', 's-settle', 'Days to settle', 'days', 10, 'lower'),
				{ type: 'kpi.record', kpiId: 'k-days', points: points(14) },
				kpi('k-fnol', 's-claim', 'Claims reported online', '%', 60, 'higher'),
				{ type: 'kpi.record', kpiId: 'k-fnol', points: points(52).map((p) => ({ ...p, value: 100 - p.value })) },
				{
					type: 'survey.define',
					surveyId: 'sv-nps',
					kind: 'nps',
					stageId: 's-settle',
					touchpointId: null,
					question: 'How likely are you to recommend us after your claim?'
				},
				{ type: 'survey.record', surveyId: 'sv-nps', period: '2026-02', counts: [8, 3, 4, 6, 5, 9, 12, 20, 25, 30, 28] },
				{
					type: 'survey.define',
					surveyId: 'sv-ces',
					kind: 'ces',
					stageId: 's-claim',
					touchpointId: null,
					question: 'The insurer made it easy to report my claim.'
				},
				{ type: 'survey.record', surveyId: 'sv-ces', period: '2026-02', counts: [4, 6, 9, 12, 20, 25, 14] }
			]);
			for (const [viewport, suffix] of [
				[{ width: 1440, height: 900 }, ''],
				[{ width: 390, height: 844 }, '-phone']
			] as const) {
				const kpis = await open('/rooms/ck-look/curate?tab=kpis&kpi=k-days', 'facilitator', 'Fiona Facilitator', viewport);
				await kpis.getByTestId('kpi-detail').waitFor();
				expect(await kpis.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				const unlabelled = await kpis.evaluate(() =>
					[...document.querySelectorAll('input, select, textarea, button')]
						.filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label') && !el.textContent?.trim())
						.map((el) => el.outerHTML.slice(0, 80))
				);
				expect(unlabelled).toEqual([]);
				if (shots) {
					if (suffix) await kpis.getByTestId('kpi-detail').evaluate((el) => el.scrollIntoView({ block: 'start' }));
					await kpis.screenshot({ path: path.join(shots, `curate-kpis${suffix}.png`) });
				}
				const surveys = await open(
					'/rooms/ck-look/curate?tab=surveys&survey=sv-nps',
					'facilitator',
					'Fiona Facilitator',
					viewport
				);
				await surveys.getByTestId('survey-detail').waitFor();
				expect(await surveys.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await surveys.getByTestId('live-n').textContent()).toBe('150');
				if (shots) {
					if (suffix) await surveys.getByTestId('survey-responses').evaluate((el) => el.scrollIntoView({ block: 'start' }));
					await surveys.screenshot({ path: path.join(shots, `curate-surveys${suffix}.png`) });
				}
			}
			const board = await open('/rooms/ck-look', 'contributor', 'Cora Contributor', { width: 1920, height: 1080 });
			await board.getByTestId('survey-sv-nps').waitFor();
			// The quote stage has none: the board offers to add them there.
			const quote = board.locator('[data-testid="stage-column"][data-stage-id="s-quote"]');
			expect(await quote.getByTestId('add-kpi-link').getAttribute('href')).toBe('/rooms/ck-look/curate?tab=kpis&add=s-quote');
			if (shots) await board.screenshot({ path: path.join(shots, 'board-kpis-surveys.png') });
			const wall = await openPage(browser, server.url, '/rooms/ck-look/wall', {
				role: 'viewer',
				name: 'Lobby TV',
				viewport: { width: 1920, height: 1080 },
				waitFor: '[data-testid="wall-columns"]'
			});
			opened.push(wall);
			await wall.getByTestId('wall-kpi-k-days').waitFor();
			expect(await wall.getByTestId('add-measures').count()).toBe(0);
			if (shots) await wall.screenshot({ path: path.join(shots, 'wall-kpis-surveys.png') });
		}
	);

	it('offers "Add a KPI" on an empty room\'s wall to a person who may curate, never to a TV', { timeout: 60_000 }, async () => {
		await newRoom('ck-empty', [stage('s-one', 'One')]);
		const person = await openPage(browser, server.url, '/rooms/ck-empty/wall', {
			role: 'contributor',
			name: 'Cora',
			waitFor: '[data-testid="wall-columns"]'
		});
		opened.push(person);
		const note = person.getByTestId('add-measures');
		await note.waitFor();
		expect(await note.textContent()).toContain('This room has no KPIs or surveys yet.');
		expect(await note.getByTestId('add-kpi-link').getAttribute('href')).toBe('/rooms/ck-empty/curate?tab=kpis');
		const tv = await openPage(browser, server.url, '/rooms/ck-empty/wall', {
			role: 'viewer',
			name: 'TV',
			waitFor: '[data-testid="wall-columns"]'
		});
		opened.push(tv);
		expect(await tv.getByTestId('add-measures').count()).toBe(0);
		if (shots) await person.screenshot({ path: path.join(shots, 'wall-empty-curator.png') });
	});
});
