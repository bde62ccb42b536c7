/**
 * Room settings in real Chromium against the real server: the room renamed; departments added, renamed
 * (the touchpoints follow), merged; customer segments named and the most profitable one marked (the
 * board offers it first, the wall leads with it); the room archived (every page says so and the room
 * refuses changes) and restored; deleting gated on typing the room's name; only facilitators get in.
 * `SCREENSHOT_DIR=/tmp/x` also saves the settings page (laptop and phone) and the archived board;
 * docs/curate-settings.png is the laptop one.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVED, type Command, type RoomState } from '../../src/lib/domain';
import { launchChromium } from '../support/browser';
import { openPage, type Role } from '../support/pages';
import { TEST_ADMIN_TOKEN, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { join, send, type TestSocket } from '../support/test-server';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
const opened: Page[] = [];
const ROOM = 'st-insurer';

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, {});
	browser = await launchChromium();
	await newRoom(ROOM, [
		{ type: 'stage.add', stageId: 's-claim', name: 'Claim', customerGoal: 'I want my claim settled fairly and fast.' },
		touchpoint('tp-fnol', 'First notice of loss call', ['Operations', 'Customer Service']),
		touchpoint('tp-adjuster', 'Adjuster visit', ['Operations']),
		touchpoint('tp-letter', 'Settlement letter', ['Marketing', 'Sales']),
		{
			type: 'complaint.define',
			categoryId: 'c-slow',
			stageId: 's-claim',
			touchpointId: null,
			name: 'Slow settlement',
			departments: ['Operations']
		},
		{ type: 'complaint.count', categoryId: 'c-slow', period: '2026-10', count: 40 },
		{ type: 'complaint.count', categoryId: 'c-slow', period: '2026-10', count: 9, segment: 'Private clients' },
		{
			type: 'complaint.quote',
			categoryId: 'c-slow',
			verbatim: { id: 'q-1', text: 'Six weeks and nobody called me back.', date: '2026-10-12', channel: 'Phone', segment: null }
		}
	]);
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

function touchpoint(touchpointId: string, name: string, departments: string[]): Command {
	return {
		type: 'touchpoint.add',
		touchpointId,
		stageId: 's-claim',
		name,
		channel: 'Phone',
		momentOfTruth: false,
		departments,
		importance: null,
		performance: null,
		internalScore: null
	};
}

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

async function newRoom(roomId: string, commands: Command[]): Promise<void> {
	const res = await fetch(`${server.url}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId, name: 'Claims room', organisation: 'Acme Mutual' })
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

async function open(pathName: string, role: Role, viewport?: { width: number; height: number }, waitFor?: string): Promise<Page> {
	const page = await openPage(browser, server.url, pathName, { role, name: `A ${role}`, viewport, waitFor });
	opened.push(page);
	return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `settings-${name}.png`), fullPage: name !== 'archived-board' });
}

const departmentNames = (page: Page) =>
	page.locator('[data-testid="department-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.department));
const row = (page: Page, department: string) => page.locator(`[data-testid="department-row"][data-department="${department}"]`);

describe('room settings in Chromium', () => {
	it(
		'renames the room, and adds, renames and merges departments, saying first what each touches',
		{ timeout: 90_000 },
		async () => {
			const page = await open(`/rooms/${ROOM}/settings`, 'facilitator');
			await page.getByTestId('settings').waitFor();
			await expect(
				page.getByRole('navigation', { name: 'Room pages' }).getByRole('link', { name: 'Settings' }).getAttribute('aria-current')
			).resolves.toBe('page');

			// The room's name: every screen shows the new one.
			const details = page.getByTestId('settings-details');
			await details.getByLabel('Room name').fill('Acme claims room');
			await details.getByRole('button', { name: 'Save name and organisation' }).click();
			await expect.poll(() => details.getByRole('status').textContent(), { timeout: 5_000 }).toContain('Saved.');
			expect((await roomState(ROOM)).meta?.name).toBe('Acme claims room');
			await expect.poll(() => page.title()).toBe('Settings · Acme claims room · Customer Room');

			// A department the insurer has and the generic list did not.
			const departments = page.getByTestId('settings-departments');
			await departments.getByLabel('New department').fill('Claims');
			await departments.getByRole('button', { name: 'Add department' }).click();
			await expect.poll(() => departmentNames(page), { timeout: 5_000 }).toContain('Claims');
			await expect(row(page, 'Claims').textContent()).resolves.toContain('Nothing names it yet.');
			// The same name again is refused, with the reason beside the form.
			await departments.getByLabel('New department').fill('claims');
			await departments.getByRole('button', { name: 'Add department' }).click();
			await expect
				.poll(() => departments.getByRole('alert').first().textContent(), { timeout: 5_000 })
				.toBe('"Claims" is already one of the room\'s departments.');

			// Rename: what it touches shows before anything changes.
			await expect(row(page, 'Operations').textContent()).resolves.toContain('2 touchpoints · 1 complaint category');
			await row(page, 'Operations').getByRole('button', { name: 'Rename Operations' }).click();
			await expect
				.poll(() => row(page, 'Operations').getByTestId('rename-effects').locator('li').allTextContents())
				.toEqual(['2 touchpoints are relabelled.', 'One complaint category is relabelled.']);
			await screenshot(page, 'rename');
			await row(page, 'Operations').getByLabel('New name for “Operations”').fill('Underwriting');
			await row(page, 'Operations').getByRole('button', { name: 'Rename', exact: true }).click();
			await expect.poll(() => departmentNames(page), { timeout: 5_000 }).toContain('Underwriting');
			expect(await departmentNames(page)).not.toContain('Operations');
			const renamed = await roomState(ROOM);
			expect(renamed.touchpoints['tp-fnol']?.departments).toEqual(['Underwriting', 'Customer Service']);
			expect(renamed.touchpoints['tp-adjuster']?.departments).toEqual(['Underwriting']);
			expect(renamed.complaints['c-slow']?.departments).toEqual(['Underwriting']);

			// The touchpoints on the Curate page say so too.
			const curate = await open(
				`/rooms/${ROOM}/curate?stage=s-claim`,
				'facilitator',
				undefined,
				'[data-touchpoint-id="tp-adjuster"]'
			);
			await expect
				.poll(() => curate.locator('[data-touchpoint-id="tp-adjuster"]').textContent())
				.toContain('Departments: Underwriting');

			// Merge two into one: the preview says what moves, and a touchpoint that named both names the result once.
			const merge = page.getByTestId('merge-form');
			await merge.getByLabel('Marketing').check();
			await merge.getByLabel('Sales', { exact: true }).check();
			await merge.getByLabel('Merge into').fill('Commercial');
			await expect
				.poll(() => merge.getByTestId('merge-effects').textContent())
				.toContain('“Marketing” and “Sales” will become “Commercial”.');
			await expect(merge.getByTestId('merge-effects').locator('li').allTextContents()).resolves.toEqual([
				'One touchpoint is relabelled.'
			]);
			await merge.getByRole('button', { name: 'Merge departments' }).click();
			await expect.poll(() => departmentNames(page), { timeout: 5_000 }).toContain('Commercial');
			expect(await departmentNames(page)).not.toContain('Marketing');
			expect(await departmentNames(page)).not.toContain('Sales');
			expect((await roomState(ROOM)).touchpoints['tp-letter']?.departments).toEqual(['Commercial']);
			await expect
				.poll(() => curate.locator('[data-touchpoint-id="tp-letter"]').textContent())
				.toContain('Departments: Commercial');

			// Remove: the dialog says what goes before it goes.
			await row(page, 'Underwriting').getByRole('button', { name: 'Remove Underwriting' }).click();
			const dialog = page.getByTestId('department-remove-dialog');
			await expect
				.poll(() => dialog.locator('li').allTextContents())
				.toEqual(['2 touchpoints no longer name it.', 'One complaint category no longer names it.']);
			await dialog.getByRole('button', { name: 'Keep it' }).click();
			expect(await departmentNames(page)).toContain('Underwriting');
		}
	);

	it(
		'names segments and marks the most profitable: the board offers it first, the wall leads with it',
		{ timeout: 60_000 },
		async () => {
			const page = await open(`/rooms/${ROOM}/settings`, 'facilitator');
			const segments = page.getByTestId('settings-segments');
			await segments.waitFor();
			// The data already carries one; the page offers it.
			await segments.getByTestId('segments-found').getByRole('button', { name: 'Add “Private clients”' }).click();
			await segments.getByLabel('New segment').fill('Retail');
			await segments.getByRole('button', { name: 'Add segment' }).click();
			await expect
				.poll(
					() =>
						segments.locator('[data-testid="segment-row"]').evaluateAll((r) => r.map((x) => (x as HTMLElement).dataset.segment)),
					{
						timeout: 5_000
					}
				)
				.toEqual(['Private clients', 'Retail']);
			await segments.getByLabel('Private clients').check();
			await expect
				.poll(() => segments.locator('[data-segment="Private clients"]').textContent(), { timeout: 5_000 })
				.toContain('Most profitable');
			expect((await roomState(ROOM)).meta).toMatchObject({
				segments: ['Private clients', 'Retail'],
				leadSegment: 'Private clients'
			});
			await screenshot(page, 'laptop');
			const phone = await open(`/rooms/${ROOM}/settings`, 'facilitator', { width: 390, height: 844 });
			await phone.getByTestId('settings-segments').waitFor();
			await screenshot(phone, 'phone');

			// The board: every customer by default, the most profitable segment the first choice.
			const board = await open(`/rooms/${ROOM}`, 'viewer');
			const choices = board.getByTestId('board-segments').getByRole('button');
			const labels = (await choices.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
			expect(labels).toEqual(['All customers', 'Private clients · most profitable', 'Retail']);
			await choices.nth(1).click();
			await expect.poll(() => choices.nth(1).getAttribute('aria-pressed')).toBe('true');

			// A wall with no segment in its link shows the most profitable customers; `segment=all` shows everyone.
			const wall = await open(
				`/rooms/${ROOM}/wall`,
				'viewer',
				{ width: 1920, height: 1080 },
				'[data-testid="wall-segment-chip"]'
			);
			await expect(wall.getByTestId('wall-segment-chip').textContent()).resolves.toContain('Private clients');
			const everyone = await open(
				`/rooms/${ROOM}/wall?segment=all`,
				'viewer',
				{ width: 1920, height: 1080 },
				'[data-testid="stage-column"], .columns'
			);
			await expect(everyone.getByTestId('wall-segment-chip').count()).resolves.toBe(0);
		}
	);

	it('archives the room (read-only, every page says so) and restores it from Settings', { timeout: 60_000 }, async () => {
		const page = await open(`/rooms/${ROOM}/settings`, 'facilitator');
		const board = await open(`/rooms/${ROOM}`, 'facilitator');
		await page.getByTestId('settings-archive').getByRole('button', { name: 'Archive room' }).click();
		await expect
			.poll(() => page.getByTestId('settings-archive').locator('h2').textContent(), { timeout: 5_000 })
			.toBe('This room is archived');
		// While archived, the page offers only restoring and deleting.
		await expect(page.getByTestId('settings-departments').count()).resolves.toBe(0);
		await board.getByTestId('archived-banner').waitFor({ timeout: 5_000 });
		await expect(board.getByTestId('archived-banner').textContent()).resolves.toContain('This room is read-only.');
		// Its edit forms are gone from the board while it is archived.
		await expect.poll(() => board.locator('summary', { hasText: /^Assess/ }).count()).toBe(0);
		await screenshot(board, 'archived-board');
		// And the room refuses changes, saying how to get out of it.
		const socket = await roomSocket(ROOM, 'facilitator');
		expect(await send(socket, ROOM, { type: 'stage.update', stageId: 's-claim', patch: { name: 'Claims' } })).toEqual({
			ok: false,
			code: 'conflict',
			message: ARCHIVED
		});
		socket.disconnect();

		await page.getByRole('button', { name: 'Restore room' }).click();
		await page.getByTestId('settings-departments').waitFor({ timeout: 5_000 });
		await expect.poll(() => board.getByTestId('archived-banner').count(), { timeout: 5_000 }).toBe(0);
		await expect.poll(() => board.locator('summary', { hasText: /^Assess/ }).count()).toBe(3);
		expect((await roomState(ROOM)).meta?.archivedAt).toBeNull();
	});

	it('lets a facilitator show customers’ words on corridor walls, or hide them (the default)', { timeout: 60_000 }, async () => {
		const corridor = `/rooms/${ROOM}/wall?mode=corridor&segment=all`;
		const hidden = await open(corridor, 'viewer', { width: 1920, height: 1080 }, '[data-testid="wall-corridor-chip"]');
		await expect(hidden.locator('[data-testid="wall-verbatim"][data-wall-id="q-1"]').count()).resolves.toBe(0);

		const page = await open(`/rooms/${ROOM}/settings`, 'facilitator');
		const privacy = page.getByTestId('settings-privacy');
		await privacy.getByLabel('Corridor screens hide customers’ words').uncheck();
		await expect.poll(() => privacy.locator('.hint').first().textContent(), { timeout: 5_000 }).toContain('Off:');
		expect((await roomState(ROOM)).meta?.settings.corridorHidesVerbatims).toBe(false);
		await expect
			.poll(() => hidden.locator('[data-testid="wall-verbatim"][data-wall-id="q-1"]').count(), { timeout: 5_000 })
			.toBeGreaterThan(0);

		await privacy.getByLabel('Corridor screens hide customers’ words').check();
		await expect
			.poll(() => hidden.locator('[data-testid="wall-verbatim"][data-wall-id="q-1"]').count(), { timeout: 5_000 })
			.toBe(0);

		// New phrases on corridor screens: off by default, on when the facilitator allows them.
		const phrases = privacy.getByLabel('Corridor screens show the phrases new this month');
		await expect(phrases.isChecked()).resolves.toBe(false);
		await phrases.check();
		await expect.poll(() => privacy.locator('.hint').nth(1).textContent(), { timeout: 5_000 }).toContain('On:');
		expect((await roomState(ROOM)).meta?.settings.corridorShowsPhrases).toBe(true);
		await phrases.uncheck();
		await expect.poll(async () => (await roomState(ROOM)).meta?.settings.corridorShowsPhrases, { timeout: 5_000 }).toBe(false);
	});

	it('enables "Delete this room" only once the room’s name is typed', { timeout: 30_000 }, async () => {
		const page = await open(`/rooms/${ROOM}/settings`, 'facilitator');
		const panel = page.getByTestId('settings-delete');
		const button = panel.getByRole('button', { name: 'Delete this room' });
		await panel.waitFor();
		await expect(button.isDisabled()).resolves.toBe(true);
		await panel.getByLabel(/Type the room’s name/).fill('Acme claims');
		await expect(button.isDisabled()).resolves.toBe(true);
		await expect(panel.getByRole('status').textContent()).resolves.toBe('The name does not match yet.');
		await panel.getByLabel(/Type the room’s name/).fill('Acme claims room');
		await expect.poll(() => button.isDisabled()).toBe(false);
	});

	it('keeps contributors out, and shows them no Settings link', { timeout: 30_000 }, async () => {
		const page = await open(`/rooms/${ROOM}/settings`, 'contributor', undefined, '[data-testid="settings-not-facilitator"]');
		await expect(page.getByTestId('settings-not-facilitator').textContent()).resolves.toContain(
			'To change its settings, ask one of its facilitators.'
		);
		await expect(
			page.getByRole('navigation', { name: 'Room pages' }).getByRole('link', { name: 'Settings' }).count()
		).resolves.toBe(0);
	});
});
