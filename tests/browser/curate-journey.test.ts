/**
 * The Curate screen's Journey tab in real Chromium against the real server: stages added, renamed,
 * reordered by keyboard and by drag (with another person's board following), removed only with a
 * dialog that says what goes; touchpoints with scores and their gap; the moment-of-truth warning;
 * what facilitators, contributors and viewers may do. Each test works in a room of its own.
 * `SCREENSHOT_DIR=docs` also saves docs/curate-journey.png and docs/curate-journey-phone.png.
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

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true' });
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

/** A socket signed in to `roomId` with `role`, joined to it. */
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

/** A new room made through the admin API, then furnished by a facilitator's socket. */
async function newRoom(roomId: string, commands: Command[] = []): Promise<void> {
	const res = await fetch(`${server.url}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId, name: `Room ${roomId}`, organisation: 'Test Co' })
	});
	if (!res.ok) throw new Error(`create ${roomId}: ${res.status} ${await res.text()}`);
	const socket = await roomSocket(roomId);
	for (const command of commands) {
		const result = await send(socket, roomId, command);
		if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	}
	socket.disconnect();
}

/** The room as every screen computes it. */
async function roomState(roomId: string): Promise<RoomState> {
	const socket = await roomSocket(roomId, 'viewer');
	const joined = await join(socket, roomId);
	socket.disconnect();
	if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
	return joined.state;
}

const stage = (stageId: string, name: string, customerGoal = ''): Command => ({ type: 'stage.add', stageId, name, customerGoal });
const touchpoint = (
	touchpointId: string,
	stageId: string,
	name: string,
	extra: Partial<Extract<Command, { type: 'touchpoint.add' }>> = {}
): Command => ({
	type: 'touchpoint.add',
	touchpointId,
	stageId,
	name,
	channel: 'Web',
	momentOfTruth: false,
	departments: [],
	importance: null,
	performance: null,
	internalScore: null,
	...extra
});

async function open(path: string, role: Role, name: string, viewport?: { width: number; height: number }): Promise<Page> {
	const page = await openPage(browser, server.url, path, { role, name, viewport });
	opened.push(page);
	return page;
}

const curate = (roomId: string, role: Role, name = `A ${role}`, viewport?: { width: number; height: number }) =>
	open(`/rooms/${roomId}/curate`, role, name, viewport).then(async (page) => {
		if (role !== 'viewer') await page.getByTestId('journey-tab').waitFor();
		return page;
	});

/** Stage ids in the order the curate list shows them. */
const listOrder = (page: Page) =>
	page.locator('[data-testid="journey-stage"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.stageId));
/** Stage ids in the order a board shows its columns. */
const boardOrder = (page: Page) =>
	page.locator('[data-testid="stage-column"]').evaluateAll((cols) => cols.map((c) => (c as HTMLElement).dataset.stageId));
const row = (page: Page, stageId: string) => page.locator(`[data-testid="journey-stage"][data-stage-id="${stageId}"]`);
const focused = (page: Page) =>
	page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? null);

describe('the Journey tab in Chromium', () => {
	it(
		'adds a stage, renames it, and reorders by keyboard and by drag while another person’s board follows',
		{ timeout: 90_000 },
		async () => {
			await newRoom('cj-order', [stage('s-discover', 'Discover'), stage('s-apply', 'Apply')]);
			const page = await curate('cj-order', 'facilitator', 'Fiona Facilitator');
			const board = await open('/rooms/cj-order', 'viewer', 'Vic Viewer');

			// A name of spaces only reaches the server, which refuses it: the reason shows beside the form.
			const add = page.getByTestId('stage-add-form');
			await add.getByLabel('Stage name').fill('   ');
			await add.getByRole('button', { name: 'Add stage' }).click();
			await expect.poll(() => add.getByRole('alert').textContent(), { timeout: 5_000 }).toBe('The name must not be empty.');

			// Add: it goes at the end, opens, and the board grows a column.
			await add.getByLabel('Stage name').fill('Onboard');
			await add.getByLabel('Customer goal, in the customer’s words').fill('I want to start using my account the same day.');
			await add.getByRole('button', { name: 'Add stage' }).click();
			await expect.poll(() => page.getByTestId('stage-name').textContent(), { timeout: 5_000 }).toBe('Onboard');
			await expect(add.getByRole('alert').count()).resolves.toBe(0);
			const onboard = Object.values((await roomState('cj-order')).stages).find((s) => s.name === 'Onboard')!;
			expect(onboard.customerGoal).toBe('I want to start using my account the same day.');
			expect(new URL(page.url()).searchParams.get('stage')).toBe(onboard.id);
			await expect.poll(() => boardOrder(board), { timeout: 5_000 }).toEqual(['s-discover', 's-apply', onboard.id]);

			// Rename in place; Escape would have left it as it was.
			await page.getByRole('button', { name: /Rename or edit goal/ }).click();
			await page.getByTestId('stage-edit-form').getByLabel('Stage name').fill('Onboard & first use');
			await page
				.getByTestId('stage-edit-form')
				.getByLabel('Customer goal, in the customer’s words')
				.fill('I want my card and app working in a day.');
			await page.getByRole('button', { name: 'Save stage' }).click();
			await expect.poll(() => page.getByTestId('stage-name').textContent(), { timeout: 5_000 }).toBe('Onboard & first use');
			await expect.poll(() => page.getByTestId('stage-goal').textContent()).toContain('I want my card and app working in a day.');
			await expect
				.poll(() => board.locator(`[data-stage-id="${onboard.id}"]`).textContent(), { timeout: 5_000 })
				.toContain('Onboard & first use');

			// Keyboard: the handle takes arrow keys, keeps focus as the list re-sorts, and says where the stage is now.
			const handle = row(page, onboard.id).getByTestId('stage-handle');
			await handle.focus();
			await page.keyboard.press('ArrowUp');
			await expect
				.poll(() => page.getByTestId('reorder-announcement').textContent(), { timeout: 5_000 })
				.toBe('“Onboard & first use” is now stage 2 of 3.');
			await expect.poll(() => boardOrder(board), { timeout: 5_000 }).toEqual(['s-discover', onboard.id, 's-apply']);
			await expect.poll(() => focused(page)).toBe('Move “Onboard & first use”, stage 2 of 3');
			await page.keyboard.press('Home');
			await expect.poll(() => listOrder(page), { timeout: 5_000 }).toEqual([onboard.id, 's-discover', 's-apply']);
			await expect
				.poll(() => page.getByTestId('reorder-announcement').textContent())
				.toBe('“Onboard & first use” is now stage 1 of 3.');
			await page.keyboard.press('ArrowUp');
			await expect
				.poll(() => page.getByTestId('reorder-announcement').textContent())
				.toBe('“Onboard & first use” is already the first stage.');
			await expect.poll(() => boardOrder(board), { timeout: 5_000 }).toEqual([onboard.id, 's-discover', 's-apply']);

			// The Later button too, with focus staying on it.
			await row(page, 's-discover').getByRole('button', { name: 'Move “Discover” later' }).click();
			await expect.poll(() => boardOrder(board), { timeout: 5_000 }).toEqual([onboard.id, 's-apply', 's-discover']);
			await expect.poll(() => focused(page)).toContain('Move “Discover” later');

			// Drag and drop: Discover onto the top half of the first row goes first.
			const first = row(page, onboard.id);
			await row(page, 's-discover')
				.getByTestId('stage-handle')
				.dragTo(first, { targetPosition: { x: 120, y: 4 } });
			await expect.poll(() => listOrder(page), { timeout: 5_000 }).toEqual(['s-discover', onboard.id, 's-apply']);
			await expect.poll(() => boardOrder(board), { timeout: 5_000 }).toEqual(['s-discover', onboard.id, 's-apply']);
			// And Apply onto the bottom half of Discover lands second.
			await row(page, 's-apply')
				.getByTestId('stage-handle')
				.dragTo(row(page, 's-discover'), { targetPosition: { x: 120, y: 40 } });
			await expect.poll(() => boardOrder(board), { timeout: 5_000 }).toEqual(['s-discover', 's-apply', onboard.id]);
			expect((await roomState('cj-order')).stageOrder).toEqual(['s-discover', 's-apply', onboard.id]);
		}
	);

	it('removes a stage only after a dialog that says exactly what goes with it', { timeout: 60_000 }, async () => {
		await newRoom('cj-remove', [
			stage('s-full', 'Full stage'),
			stage('s-empty', 'Empty stage'),
			touchpoint('tp-a', 's-full', 'Welcome call'),
			touchpoint('tp-b', 's-full', 'Welcome email'),
			{
				type: 'kpi.define',
				kpiId: 'k-a',
				stageId: 's-full',
				touchpointId: null,
				name: 'Calls answered',
				unit: '%',
				direction: 'higher',
				target: 90,
				warning: 5,
				source: '',
				department: null
			},
			{
				type: 'display.register',
				displayId: 'tv-lobby',
				name: 'Lobby TV',
				location: 'Lobby',
				mode: 'corridor',
				rotation: { stageIds: ['s-full', 's-empty'], intervalSec: 30 }
			},
			{ type: 'session.start', sessionId: 'sess-1', title: 'March review', agenda: ['s-empty', 's-full'] }
		]);
		const page = await curate('cj-remove', 'facilitator', 'Fiona Facilitator');
		const board = await open('/rooms/cj-remove', 'viewer', 'Vic Viewer');

		// A stage that holds things: the dialog lists them and offers no removal.
		await page.getByRole('button', { name: 'Remove stage…' }).click();
		const dialog = page.getByTestId('stage-remove-dialog');
		await expect
			.poll(() => dialog.getByTestId('stage-remove-holds').locator('li').allTextContents())
			.toEqual(['2 touchpoints', '1 KPI']);
		await expect(dialog.getByRole('button', { name: /^Remove/ }).count()).resolves.toBe(0);
		await page.keyboard.press('Escape');
		await expect.poll(() => dialog.isVisible()).toBe(false);

		// The empty one: what else changes, then it goes from the list and from the board.
		await row(page, 's-empty').getByRole('link').click();
		await expect.poll(() => page.getByTestId('stage-name').textContent()).toBe('Empty stage');
		await page.getByRole('button', { name: 'Remove stage…' }).click();
		await expect
			.poll(() => dialog.getByTestId('stage-remove-effects').locator('li').allTextContents())
			.toEqual([
				'It comes off the agenda of the running session, “March review”.',
				'The running session stops focusing on it.',
				'It leaves the stage rotation of 1 screen: Lobby TV.'
			]);
		await dialog.getByRole('button', { name: 'Remove “Empty stage”', exact: true }).click();
		await expect.poll(() => listOrder(page), { timeout: 5_000 }).toEqual(['s-full']);
		await expect.poll(() => boardOrder(board), { timeout: 5_000 }).toEqual(['s-full']);
		const after = await roomState('cj-remove');
		expect(after.session?.agenda).toEqual(['s-full']);
		expect(after.displays['tv-lobby']?.rotation.stageIds).toEqual(['s-full']);

		// A touchpoint's removal says what stays behind.
		await page.locator('[data-touchpoint-id="tp-a"]').getByRole('button', { name: 'Remove… Welcome call' }).click();
		const tpDialog = page.getByTestId('touchpoint-remove-dialog');
		await expect.poll(() => tpDialog.textContent()).toContain('Nothing else is tied to it.');
		await tpDialog.getByRole('button', { name: 'Remove “Welcome call”', exact: true }).click();
		await expect.poll(() => page.locator('[data-testid="journey-touchpoint"]').count(), { timeout: 5_000 }).toBe(1);
	});

	it('adds a touchpoint with scores and shows the gap; warns past twenty moments of truth', { timeout: 60_000 }, async () => {
		const twenty = Array.from({ length: 20 }, (_, i) =>
			touchpoint(`mot-${i}`, 's-help', `Moment ${i + 1}`, { momentOfTruth: true })
		);
		await newRoom('cj-touch', [stage('s-help', 'Get help'), ...twenty]);
		const page = await curate('cj-touch', 'facilitator', 'Fiona Facilitator');
		await expect(page.getByTestId('mot-warning').count()).resolves.toBe(0);

		await page.getByRole('button', { name: 'Add a touchpoint' }).click();
		const form = page.getByTestId('touchpoint-form');
		await form.getByLabel('Touchpoint name').fill('Contact centre call');
		await form.getByLabel('Channel').fill('Phone');
		await form.getByLabel('Moment of truth').check();
		await expect
			.poll(() => form.getByTestId('mot-form-warning').textContent())
			.toContain('With this one, 21 moments of truth: past 20 they stop standing out.');
		await form.getByRole('checkbox', { name: 'Customer Service' }).check();
		await form.getByRole('checkbox', { name: 'Operations' }).check();

		// A score out of range is caught before sending, beside the form.
		await form.getByLabel('Importance to customers').fill('11');
		await form.getByRole('button', { name: 'Add touchpoint' }).click();
		await expect
			.poll(() => form.getByRole('alert').textContent())
			.toBe('Importance must be a number from 0 to 10, or left empty.');

		await form.getByLabel('Importance to customers').fill('9');
		await form.getByLabel('Performance, as customers rate it').fill('5');
		await form.getByLabel('Internal score, as we rate it').fill('7');
		await expect.poll(() => form.getByTestId('score-gap').textContent()).toContain('Gap +2.0');
		await expect
			.poll(() => form.getByTestId('score-gap').textContent())
			.toContain('We rate ourselves 2.0 higher than customers do.');
		await form.getByRole('button', { name: 'Add touchpoint' }).click();

		const added = page.locator('[data-testid="journey-touchpoint"]', { hasText: 'Contact centre call' });
		await expect
			.poll(() => added.getByTestId('touchpoint-gap').textContent(), { timeout: 5_000 })
			.toBe('We rate ourselves 2.0 higher than customers do.');
		await expect
			.poll(() => added.getByTestId('touchpoint-scores').textContent())
			.toMatch(/Importance\s*9\.0.*Performance\s*5\.0.*Internal\s*7\.0.*Gap\s*\+2\.0/s);
		await expect
			.poll(() => page.getByTestId('mot-warning').textContent())
			.toContain('21 moments of truth: past 20 they stop standing out');
		const saved = Object.values((await roomState('cj-touch')).touchpoints).find((t) => t.name === 'Contact centre call')!;
		expect(saved).toMatchObject({
			channel: 'Phone',
			momentOfTruth: true,
			importance: 9,
			performance: 5,
			internalScore: 7,
			maturity: 'unassessed'
		});
		expect([...saved.departments].sort()).toEqual(['Customer Service', 'Operations']);

		// Editing it back under twenty lifts the warning; customers rating it higher flips the gap's words.
		await added.getByRole('button', { name: 'Edit Contact centre call' }).click();
		const edit = page.getByTestId('touchpoint-form');
		await edit.getByLabel('Moment of truth').uncheck();
		await edit.getByLabel('Performance, as customers rate it').fill('8,5');
		await edit.getByRole('button', { name: 'Save touchpoint' }).click();
		await expect.poll(() => page.getByTestId('mot-warning').count(), { timeout: 5_000 }).toBe(0);
		await expect
			.poll(() => added.getByTestId('touchpoint-gap').textContent())
			.toBe('We rate ourselves 1.5 lower than customers do.');

		// Assessing needs evidence.
		await added.getByRole('button', { name: 'Assess Contact centre call' }).click();
		const assess = page.getByTestId('touchpoint-assess-form');
		await assess.getByLabel('Maturity').selectOption('broken');
		await assess.getByRole('button', { name: 'Save assessment' }).click();
		await expect.poll(() => assess.getByRole('alert').textContent()).toContain('Say what shows it');
		await assess.getByLabel('Evidence').fill('Three transfers on average before an answer.');
		await assess.getByRole('button', { name: 'Save assessment' }).click();
		await expect.poll(() => added.getAttribute('data-maturity'), { timeout: 5_000 }).toBe('broken');
		await expect.poll(() => added.textContent()).toContain('Three transfers on average');
	});

	it('gives facilitators, contributors and viewers what their role allows, and says why', { timeout: 60_000 }, async () => {
		await newRoom('cj-roles', [stage('s-one', 'One'), stage('s-two', 'Two'), touchpoint('tp-one', 's-one', 'Sign-up form')]);

		const facilitator = await curate('cj-roles', 'facilitator', 'Fiona Facilitator');
		await expect(
			facilitator
				.getByRole('navigation', { name: 'Room pages' })
				.getByRole('link', { name: 'Curate' })
				.getAttribute('aria-current')
		).resolves.toBe('page');
		await facilitator.getByRole('button', { name: 'Remove stage…' }).waitFor();
		await facilitator.getByRole('button', { name: 'Remove… Sign-up form' }).waitFor();
		await expect(facilitator.getByTestId('journey-role-note').count()).resolves.toBe(0);

		// A contributor curates content but cannot remove, and is told so.
		const contributor = await curate('cj-roles', 'contributor', 'Cole Contributor');
		await contributor.getByRole('navigation', { name: 'Room pages' }).getByRole('link', { name: 'Curate' }).waitFor();
		await expect
			.poll(() => contributor.getByTestId('journey-role-note').textContent())
			.toContain('only a facilitator can remove stages and remove touchpoints');
		await expect(contributor.getByRole('button', { name: 'Remove stage…' }).count()).resolves.toBe(0);
		await expect(contributor.getByRole('button', { name: /^Remove…/ }).count()).resolves.toBe(0);
		await contributor.getByRole('button', { name: 'Edit Sign-up form' }).waitFor();
		await contributor.getByTestId('stage-add-form').getByLabel('Stage name').fill('Three');
		await contributor.getByTestId('stage-add-form').getByRole('button', { name: 'Add stage' }).click();
		await expect.poll(() => listOrder(facilitator), { timeout: 5_000 }).toHaveLength(3);
		await row(contributor, 's-two').getByTestId('stage-handle').focus();
		await contributor.keyboard.press('ArrowUp');
		await expect.poll(async () => (await listOrder(facilitator)).slice(0, 2), { timeout: 5_000 }).toEqual(['s-two', 's-one']);

		// A viewer has no Curate link, and the page says plainly that they cannot curate.
		const board = await open('/rooms/cj-roles', 'viewer', 'Vic Viewer');
		await expect(
			board.getByRole('navigation', { name: 'Room pages' }).getByRole('link', { name: 'Curate' }).count()
		).resolves.toBe(0);
		const viewer = await curate('cj-roles', 'viewer', 'Vic Viewer');
		await expect
			.poll(() => viewer.getByTestId('curate-denied').textContent(), { timeout: 5_000 })
			.toContain('you cannot curate this room');
		await expect(viewer.getByRole('tablist').count()).resolves.toBe(0);
	});

	it('keeps the tab in the URL and moves between tabs with the arrow keys', { timeout: 60_000 }, async () => {
		await newRoom('cj-tabs', [stage('s-one', 'One')]);
		const page = await curate('cj-tabs', 'facilitator');
		const journeyTab = page.getByRole('tab', { name: 'Journey' });
		await expect(journeyTab.getAttribute('aria-selected')).resolves.toBe('true');
		await expect(page.getByRole('tabpanel', { name: 'Journey' }).count()).resolves.toBe(1);
		await journeyTab.focus();
		await page.keyboard.press('ArrowRight');
		await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('artifacts');
		await expect.poll(() => page.getByRole('tab', { name: 'Artifacts' }).getAttribute('aria-selected')).toBe('true');
		await expect.poll(() => focused(page)).toBe('Artifacts');
		await page.keyboard.press('End');
		await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('export');
		await page.keyboard.press('ArrowRight');
		await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('journey');
		await page.getByRole('tab', { name: 'Imports' }).click();
		await expect.poll(() => page.getByTestId('curate').getAttribute('data-tab')).toBe('imports');
		await page.reload();
		await page.getByTestId('curate').waitFor();
		await expect.poll(() => page.getByRole('tab', { name: 'Imports' }).getAttribute('aria-selected')).toBe('true');
		await page.goBack();
		await expect.poll(() => page.getByTestId('curate').getAttribute('data-tab')).toBe('journey');
	});

	it('works at 360 px wide with every control labelled (and at 1440 x 900)', { timeout: 60_000 }, async () => {
		const shots = process.env.SCREENSHOT_DIR;
		for (const [viewport, file] of [
			[{ width: 360, height: 800 }, 'curate-journey-phone.png'],
			[{ width: 1440, height: 900 }, 'curate-journey.png']
		] as const) {
			const page = await open('/rooms/demo/curate?tab=journey&stage=apply', 'facilitator', 'Fiona Facilitator', viewport);
			await page.getByTestId('stage-detail').waitFor();
			await page.getByRole('button', { name: 'Add a touchpoint' }).click();
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
			const unlabelled = await page.evaluate(() =>
				[...document.querySelectorAll('input, select, textarea, button')]
					.filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label') && !el.textContent?.trim())
					.map((el) => el.outerHTML.slice(0, 80))
			);
			expect(unlabelled).toEqual([]);
			await page.getByRole('button', { name: 'Cancel' }).click();
			if (shots) {
				// The laptop shows the list beside the stage; on a phone, the stage below the list is the view to show.
				if (viewport.width < 600) await page.getByTestId('stage-detail').evaluate((el) => el.scrollIntoView({ block: 'start' }));
				else await page.evaluate(() => window.scrollTo(0, 0));
				await page.screenshot({ path: path.join(shots, file) });
			}
		}
	});
});
