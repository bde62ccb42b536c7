/**
 * The whole path from nothing to a working room, in real Chromium against the real server, as a CX lead
 * who never opens a terminal after `npm start` walks it: the setup link; a room from each template and a
 * blank one; settings and departments; a KPI and a survey added by hand; values imported into them, and
 * a KPI the file introduces created by the import; the board, and the wall at 1080p and 4K; the room
 * archived, restored, and deleted. Each step is done through the pages, the way a person does it; the
 * room's state is read over a socket only to check what the pages did.
 * `SCREENSHOT_DIR=docs` also saves the board and the wall of the finished room (first-room-*.png).
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomTemplateSummaries } from '../../src/lib/client/room-templates';
import type { RoomState } from '../../src/lib/domain';
import { launchChromium } from '../support/browser';
import { TEST_ADMIN_TOKEN, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { join, type TestSocket } from '../support/test-server';
import { tempDir } from '../support/temp-dir';
import { fillSetupForm } from '../support/people';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
/** The CX lead's browser: an instance admin from the setup link, then each new room's facilitator. */
let lead: BrowserContext;
let page: Page;

const LIVE = '[data-testid="connection-status"][data-state="live"]';
const TEMPLATES = roomTemplateSummaries();
const ROOM = 'northwind-insurance';
/** The survey added by hand (the insurer template brings a CSAT question of its own). */
const HAND_SURVEY = 'How satisfied are you with how we handled your claim?';

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(path.join(tmp.dir, 'data'));
	browser = await launchChromium();
	lead = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	await lead.addInitScript(() => localStorage.setItem('customer-room:name', 'Dana Lead'));
	page = await lead.newPage();
});

afterAll(async () => {
	await lead?.close().catch(() => {});
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

async function screenshot(p: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await p.screenshot({ path: path.join(dir, `first-room-${name}.png`) });
}

/** The room as every screen computes it (a viewer's socket, only to check what the pages did). */
async function roomState(roomId: string): Promise<RoomState | null> {
	const token = await sessionToken(server.url, roomId, 'viewer', 'Checker');
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	try {
		await new Promise((resolve) => socket.once('connect', () => resolve(null)));
		const joined = await join(socket, roomId);
		if (!joined.ok) return null;
		if (joined.mode !== 'snapshot') throw new Error('expected a snapshot');
		return joined.state;
	} finally {
		socket.disconnect();
	}
}
const stateOf = async (roomId: string) => {
	const state = await roomState(roomId);
	if (!state) throw new Error(`no room ${roomId}`);
	return state;
};

/** Opens the New room screen from the home page, as a person does. */
async function newRoomScreen(): Promise<void> {
	await page.goto(`${server.url}/`);
	await page.getByTestId('new-room').click();
	await page.getByTestId('new-room-form').waitFor();
}

describe('from nothing to a working room, in the app', () => {
	it('the setup link printed at start makes this browser the one that may create rooms', async () => {
		const res = await fetch(`${server.url}/api/admin/setup-link`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
		});
		const { link } = (await res.json()) as { link: string };
		await page.goto(`${server.url}/setup${new URL(link).hash}`);
		await fillSetupForm(page);
		await page.goto(`${server.url}/`);
		await page.getByTestId('new-room').waitFor();
	});

	it(
		'creates a room from each template, each with its journey, KPIs and surveys on the board',
		{ timeout: 180_000 },
		async () => {
			expect(TEMPLATES.length).toBeGreaterThanOrEqual(5);
			for (const template of TEMPLATES) {
				await newRoomScreen();
				await page.getByTestId(`template-${template.id}`).click();
				const name = template.id === 'insurer' ? 'Northwind Insurance' : `${template.name} pilot`;
				await page.getByLabel('Room name').fill(name);
				await page.getByLabel(/Organisation/).fill('Northwind plc');
				await page.getByTestId('create-room').click();
				await page.waitForURL(/\/rooms\/[a-z0-9-]+\/curate$/);
				const roomId = new URL(page.url()).pathname.split('/')[2]!;
				await page.locator(LIVE).waitFor();

				const state = await stateOf(roomId);
				expect(state.meta).toMatchObject({ name, organisation: 'Northwind plc', departments: template.departments });
				expect(state.stageOrder.map((id) => state.stages[id]!.name)).toEqual(template.stages.map((s) => s.name));
				expect(Object.keys(state.kpis)).toHaveLength(template.kpis);
				expect(Object.keys(state.surveys)).toHaveLength(template.surveys);
				expect(Object.values(state.touchpoints).filter((t) => t.momentOfTruth)).toHaveLength(template.momentsOfTruth);

				// The board shows the journey, and the setup checklist knows the journey is in place.
				await page.goto(`${server.url}/rooms/${roomId}`);
				await expect.poll(() => page.getByTestId('stage-column').count()).toBe(template.stages.length);
				await expect
					.poll(() => page.locator('[data-testid="setup-item"][data-item="stages"]').getAttribute('data-done'))
					.toBe('true');
				expect(await page.locator('[data-testid="setup-item"][data-item="kpis"]').getAttribute('data-done')).toBe('true');
			}
			expect(TEMPLATES.some((t) => t.id === 'insurer')).toBe(true);
		}
	);

	it('creates a blank room, which lands in Curate with a checklist of what it needs', async () => {
		await newRoomScreen();
		await page.getByTestId('way-blank').click();
		await page.getByLabel('Room name').fill('Claims pilot');
		await page.getByTestId('create-room').click();
		await page.waitForURL(`${server.url}/rooms/claims-pilot/curate`);
		await page.locator(LIVE).waitFor();
		await expect.poll(() => page.getByTestId('setup-progress').innerText()).toBe('0 of 7 steps are done.');
		const state = await stateOf('claims-pilot');
		expect(state.stageOrder).toEqual([]);
	});

	it('edits the room’s settings and departments, saying what each change touches', { timeout: 60_000 }, async () => {
		await page.goto(`${server.url}/rooms/${ROOM}/settings`);
		await page.getByTestId('settings').waitFor();
		const details = page.getByTestId('settings-details');
		await details.getByLabel('Room name').fill('Northwind Insurance: motor');
		await details.getByRole('button', { name: 'Save name and organisation' }).click();
		await expect.poll(() => details.getByRole('status').textContent()).toContain('Saved.');

		const before = await stateOf(ROOM);
		const claimsTouchpoints = Object.values(before.touchpoints).filter((t) => t.departments.includes('Claims'));
		expect(claimsTouchpoints.length).toBeGreaterThan(0);
		const row = page.locator('[data-testid="department-row"][data-department="Claims"]');
		await row.getByRole('button', { name: 'Rename Claims' }).click();
		await expect.poll(() => row.getByTestId('rename-effects').innerText()).toMatch(/touchpoints? (is|are) relabelled/);
		await row.getByLabel('New name for “Claims”').fill('Claims Handling');
		await row.getByRole('button', { name: 'Rename', exact: true }).click();
		await page.locator('[data-testid="department-row"][data-department="Claims Handling"]').waitFor();

		const after = await stateOf(ROOM);
		expect(after.meta!.name).toBe('Northwind Insurance: motor');
		expect(after.meta!.departments).toContain('Claims Handling');
		expect(after.meta!.departments).not.toContain('Claims');
		for (const tp of claimsTouchpoints) expect(after.touchpoints[tp.id]!.departments).toContain('Claims Handling');
	});

	it('adds a KPI and a survey by hand', { timeout: 60_000 }, async () => {
		await page.goto(`${server.url}/rooms/${ROOM}/curate?tab=kpis`);
		await page.getByTestId('kpis-tab').waitFor();
		await page.getByTestId('add-kpi').click();
		const form = page.getByTestId('kpi-form');
		await form.getByLabel('KPI name').fill('Complaints about the claim letter');
		await form.getByLabel('Stage').selectOption({ label: 'Get settled' });
		await form.getByLabel('Unit').fill('%');
		await form.getByTestId('direction-lower').check();
		await form.getByLabel('Target (optional)').fill('2');
		await form.getByRole('button', { name: 'Add KPI' }).click();
		await page.getByTestId('kpi-detail').waitFor();

		await page.goto(`${server.url}/rooms/${ROOM}/curate?tab=surveys`);
		await page.getByTestId('add-survey').click();
		const survey = page.getByTestId('survey-form');
		await survey.getByTestId('kind-csat').check();
		await survey.getByLabel('Question').fill(HAND_SURVEY);
		await survey.getByLabel('Stage').selectOption({ label: 'Get settled' });
		await survey.getByRole('button', { name: 'Add survey' }).click();
		await page.getByTestId('survey-detail').waitFor();

		const state = await stateOf(ROOM);
		expect(Object.values(state.kpis).find((k) => k.name === 'Complaints about the claim letter')).toMatchObject({
			unit: '%',
			direction: 'lower',
			target: 2
		});
		expect(Object.values(state.surveys).find((s) => s.question === HAND_SURVEY)).toMatchObject({
			kind: 'csat',
			scale: { min: 1, max: 5 }
		});
	});

	it('imports values into them, and a KPI the file introduces is created', { timeout: 90_000 }, async () => {
		// KPI values by month: one KPI made by hand, one from the template, one the room does not have yet.
		const kpis = [
			'month,kpi,value',
			'01/2026,Complaints about the claim letter,4.1',
			'02/2026,Complaints about the claim letter,3.2',
			'01/2026,Quotes completed once started,61',
			'02/2026,Quotes completed once started,64',
			'02/2026,Claims reopened after settlement,5'
		].join('\n');
		await page.goto(`${server.url}/rooms/${ROOM}/curate?tab=imports`);
		await page.getByLabel('KPI values').check();
		await page.getByTestId('import-file').setInputFiles({ name: 'kpis.csv', mimeType: 'text/csv', buffer: Buffer.from(kpis) });
		await page.getByTestId('mapping').waitFor();
		await page.getByTestId('col-kpi-name').selectOption('1');
		await page.getByTestId('col-value').selectOption('2');
		await page.getByTestId('stage-rules').getByLabel('New KPIs no rule places').selectOption({ label: 'Go to Get settled' });
		await page.getByTestId('preview').click();
		const created = page.locator('[data-testid="category-total"][data-new="true"]');
		await created.waitFor();
		expect(await created.innerText()).toContain('Claims reopened after settlement');
		await page.getByTestId('import').click();
		await page.getByText('Imported:').waitFor();

		// Survey responses, one row per response, into the survey made by hand.
		const responses = ['date,score', '2026-02-03,5', '2026-02-04,4', '2026-02-05,2', '2026-02-06,5'].join('\n');
		await page.goto(`${server.url}/rooms/${ROOM}/curate?tab=imports`);
		await page.getByLabel('Survey responses').check();
		await page
			.getByTestId('import-file')
			.setInputFiles({ name: 'csat.csv', mimeType: 'text/csv', buffer: Buffer.from(responses) });
		await page.getByTestId('mapping').waitFor();
		await page.getByTestId('survey').selectOption({ label: `CSAT: ${HAND_SURVEY}` });
		await page.getByTestId('col-date').selectOption('0');
		await page.getByTestId('col-score').selectOption('1');
		await page.getByTestId('preview').click();
		await page.getByTestId('import').click();
		await page.getByText('Imported:').waitFor();

		const state = await stateOf(ROOM);
		const kpi = (name: string) => Object.values(state.kpis).find((k) => k.name === name);
		expect(kpi('Complaints about the claim letter')!.points).toEqual([
			{ date: '2026-01-01', value: 4.1 },
			{ date: '2026-02-01', value: 3.2 }
		]);
		expect(kpi('Quotes completed once started')!.points.map((p) => p.value)).toEqual([61, 64]);
		expect(kpi('Claims reopened after settlement')).toMatchObject({
			stageId: 'settle',
			points: [{ date: '2026-02-01', value: 5 }]
		});
		const csat = Object.values(state.surveys).find((s) => s.question === HAND_SURVEY)!;
		expect(csat.responses['2026-02']).toEqual([0, 1, 0, 1, 2]);
	});

	it('shows them on the board, and on the wall at 1080p and 4K', { timeout: 90_000 }, async () => {
		const state = await stateOf(ROOM);
		const letter = Object.values(state.kpis).find((k) => k.name === 'Complaints about the claim letter')!;
		const csat = Object.values(state.surveys).find((s) => s.question === HAND_SURVEY)!;

		await page.goto(`${server.url}/rooms/${ROOM}`);
		const settle = page.locator('[data-testid="stage-column"][data-stage-id="settle"]');
		await expect.poll(() => settle.getByTestId('section-kpis').innerText()).toContain('Complaints about the claim letter');
		expect(await settle.getByTestId('section-kpis').innerText()).toContain('3.2');
		expect(await settle.getByTestId(`survey-${csat.id}`).innerText()).toContain('n = 4');
		await screenshot(page, 'board');

		for (const [width, height, name] of [
			[1920, 1080, 'wall-1080p'],
			[3840, 2160, 'wall-4k']
		] as const) {
			const wall = await lead.newPage();
			await wall.setViewportSize({ width, height });
			await wall.goto(`${server.url}/rooms/${ROOM}/wall`);
			await wall.getByTestId('wall-columns').waitFor();
			const card = wall.getByTestId(`wall-kpi-${letter.id}`);
			await card.waitFor();
			expect(await card.innerText()).toContain('Complaints about the claim letter');
			const box = (await card.boundingBox())!;
			// On the screen, not cut off: the card lies within the TV's picture.
			expect(box.x + box.width).toBeLessThanOrEqual(width);
			expect(box.y + box.height).toBeLessThanOrEqual(height);
			await screenshot(wall, name);
			await wall.close();
		}
	});

	it('archives the room (read-only, off the list), restores it, and deletes another for good', { timeout: 90_000 }, async () => {
		await page.goto(`${server.url}/rooms/${ROOM}/settings`);
		await page.getByTestId('settings-archive').getByRole('button', { name: 'Archive room' }).click();
		await expect.poll(async () => (await stateOf(ROOM)).meta!.archivedAt).toBeTruthy();

		await page.goto(`${server.url}/`);
		await page.getByTestId('rooms').waitFor();
		expect(await page.getByTestId('rooms').getByTestId(`room-link-${ROOM}`).count()).toBe(0);
		const archived = page.getByTestId('archived-rooms');
		await archived.locator('summary').click();
		await archived.getByTestId(`archived-settings-${ROOM}`).click();
		await page.waitForURL(`${server.url}/rooms/${ROOM}/settings`);
		await page.getByRole('button', { name: 'Restore room' }).click();
		await expect.poll(async () => (await stateOf(ROOM)).meta!.archivedAt ?? null).toBeNull();
		await page.goto(`${server.url}/`);
		await page.getByTestId('rooms').getByTestId(`room-link-${ROOM}`).waitFor();

		await page.goto(`${server.url}/rooms/claims-pilot/settings`);
		const panel = page.getByTestId('settings-delete');
		await panel.getByLabel(/Type the room’s name/).fill('Claims pilot');
		await panel.getByRole('button', { name: 'Delete this room' }).click();
		await page.waitForURL(`${server.url}/`);
		await page.getByTestId('rooms').waitFor();
		expect(await page.getByTestId('room-link-claims-pilot').count()).toBe(0);
		expect(await roomState('claims-pilot')).toBeNull();
	});
});
