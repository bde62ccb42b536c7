/**
 * A new room's first hour in real Chromium: the board of an empty room says what belongs there and, to
 * those who may act, offers the action; the setup checklist on the board and in Curate ticks itself as
 * the room fills (live, from other people's changes too), links to where each step is done, and can be
 * hidden. Viewers see neither the checklist nor the curator's action.
 */
import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
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
	server = await startServerProcess(tmp.dir);
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

async function open(path: string, role: Role): Promise<Page> {
	const page = await openPage(browser, server.url, path, { role, name: `A ${role}` });
	opened.push(page);
	return page;
}

async function newRoom(roomId: string): Promise<TestSocket> {
	const res = await fetch(`${server.url}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId, name: `Room ${roomId}`, organisation: 'Test Co' })
	});
	if (!res.ok) throw new Error(`create ${roomId}: ${res.status} ${await res.text()}`);
	const token = await sessionToken(server.url, roomId, 'facilitator', 'Seeder');
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

async function run(socket: TestSocket, roomId: string, commands: Command[]) {
	for (const command of commands) {
		const result = await send(socket, roomId, command);
		if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	}
}

const stage = (stageId: string, name: string): Command => ({ type: 'stage.add', stageId, name, customerGoal: '' });
const touchpoint = (touchpointId: string, stageId: string, momentOfTruth = false): Command => ({
	type: 'touchpoint.add',
	touchpointId,
	stageId,
	name: `Touchpoint ${touchpointId}`,
	channel: 'Web',
	momentOfTruth,
	departments: [],
	importance: null,
	performance: null,
	internalScore: null
});

const itemDone = (page: Page, id: string) =>
	page.locator(`[data-testid="setup-item"][data-item="${id}"]`).getAttribute('data-done');

describe('a new room', () => {
	it('offers the first stage on an empty board, to curators only', async () => {
		const socket = await newRoom('empty-board');
		socket.disconnect();
		const facilitator = await open('/rooms/empty-board', 'facilitator');
		const empty = facilitator.getByTestId('board-empty');
		await expect.poll(() => empty.innerText()).toContain('This room has no stages yet.');
		await facilitator.getByRole('link', { name: 'Add the first stage' }).click();
		await facilitator.waitForURL(/\/rooms\/empty-board\/curate\?tab=journey$/);
		await facilitator.getByTestId('curate').waitFor();

		const viewer = await open('/rooms/empty-board', 'viewer');
		await expect.poll(() => viewer.getByTestId('board-empty').innerText()).toContain('A curator of this room adds them');
		expect(await viewer.getByRole('link', { name: 'Add the first stage' }).count()).toBe(0);
		expect(await viewer.getByTestId('setup-checklist').count()).toBe(0);

		// The fix teams page says what a fix team is, and offers chartering to the facilitator.
		const teams = await open('/rooms/empty-board/teams', 'facilitator');
		await expect.poll(() => teams.getByTestId('teams-empty').innerText()).toContain('A fix team is a few people');
		expect(await teams.getByRole('link', { name: 'Charter a fix team' }).getAttribute('href')).toBe(
			'/rooms/empty-board/facilitate'
		);
		const contributorTeams = await open('/rooms/empty-board/teams', 'contributor');
		await expect.poll(() => contributorTeams.getByTestId('teams-empty').innerText()).toContain('The facilitator charters them');
		expect(await contributorTeams.getByRole('link', { name: 'Charter a fix team' }).count()).toBe(0);
	});

	it('shows a checklist that ticks itself as the room fills, links to each step, and can be hidden', async () => {
		const socket = await newRoom('first-hour');
		const board = await open('/rooms/first-hour', 'facilitator');
		const progress = board.getByTestId('setup-progress');
		await expect.poll(() => progress.innerText()).toBe('0 of 7 steps are done.');
		expect(await itemDone(board, 'stages')).toBe('false');

		// Someone else builds the journey: the checklist follows live.
		await run(socket, 'first-hour', [
			stage('s1', 'Discover'),
			stage('s2', 'Buy'),
			stage('s3', 'Use'),
			touchpoint('t1', 's1'),
			touchpoint('t2', 's2', true),
			touchpoint('t3', 's3')
		]);
		await expect.poll(() => progress.innerText()).toBe('3 of 7 steps are done.');
		expect(await itemDone(board, 'touchpoints')).toBe('true');
		expect(await itemDone(board, 'moments')).toBe('true');
		expect(await itemDone(board, 'kpis')).toBe('false');
		const kpiStep = board.locator('[data-testid="setup-item"][data-item="kpis"]');
		expect(await kpiStep.innerText()).toContain('1 moment of truth has no KPI yet.');
		expect(await kpiStep.getByRole('link').getAttribute('href')).toBe('/rooms/first-hour/curate?tab=kpis');

		// The invite step reads the room's invite links (a facilitator's view).
		const made = await board.evaluate(async () => {
			const res = await fetch('/api/rooms/first-hour/invites', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ role: 'viewer' })
			});
			return res.status;
		});
		expect(made).toBe(200);
		await board.reload();
		await expect.poll(() => itemDone(board, 'people')).toBe('true');

		// The same checklist in Curate, with the step's link taking you there.
		const curate = await open('/rooms/first-hour/curate', 'contributor');
		await expect.poll(() => curate.getByTestId('setup-progress').innerText()).toBe('3 of 7 steps are done.');
		await curate.locator('[data-testid="setup-item"][data-item="screens"]').getByRole('link', { name: 'Pair a TV' }).click();
		await curate.waitForURL(/\/rooms\/first-hour\/access$/);

		// Hidden stays hidden on reload, with its summary and a way back.
		await board.getByRole('button', { name: 'Hide the checklist' }).click();
		expect(await board.getByTestId('setup-item').count()).toBe(0);
		await board.reload();
		await board.getByTestId('setup-checklist').waitFor();
		expect(await board.getByTestId('setup-item').count()).toBe(0);
		await board.getByRole('button', { name: 'Show the checklist' }).click();
		expect(await board.getByTestId('setup-item').count()).toBe(7);
		socket.disconnect();
	});
});
