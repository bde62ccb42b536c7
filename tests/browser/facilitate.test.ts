// The monthly session in real Chromium against the real server (demo room): a facilitator, two fix-team
// members and a wall, each in its own browser context.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomState } from '../../src/lib/domain';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { freePort, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { join, send, type TestSocket } from '../support/test-server';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true', PORT: String(await freePort()) });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

/** A socket signed in to the demo room, for reading its state as every screen computes it. */
async function roomSocket(role: 'facilitator' | 'viewer' = 'viewer'): Promise<TestSocket> {
	const token = await sessionToken(server.url, 'demo', role, 'Test reader');
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	await new Promise((resolve) => socket.once('connect', () => resolve(null)));
	return socket;
}

async function roomState(): Promise<RoomState> {
	const reader = await roomSocket();
	const joined = await join(reader, 'demo');
	reader.disconnect();
	if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
	return joined.state;
}

/** Where the room's call is paused, or null when none is paused (playing, or no call). */
async function pausedAt(): Promise<number | null> {
	const playing = (await roomState()).nowPlaying;
	return playing && playing.since === null ? playing.positionSec : null;
}

const openFacilitator = () =>
	openPage(browser, server.url, '/rooms/demo/facilitate', { name: 'Fiona Facilitator', role: 'facilitator' });
const closeAll = (...pages: Page[]) => Promise.all(pages.map((p) => p.context().close()));

/** Starts a session unless one is running, and turns the room to `stageId`. */
async function inSessionAt(page: Page, stageId: string) {
	const start = page.getByRole('button', { name: 'Start session' });
	if (await start.isVisible()) await start.click();
	await page.getByTestId(`agenda-${stageId}`).click();
	await page.locator(`[data-testid="stage-focus"][data-stage-id="${stageId}"]`).waitFor();
}

/** Fills the charter dialog's members: [name, department] per row, adding rows as needed. */
async function fillMembers(page: Page, members: Array<[string, string]>) {
	const dialog = page.locator('[data-testid="charter-dialog"]');
	for (const [i, [name, department]] of members.entries()) {
		if ((await dialog.getByLabel(`Member ${i + 1} name`).count()) === 0)
			await dialog.getByRole('button', { name: 'Add a member' }).click();
		await dialog.getByLabel(`Member ${i + 1} name`).fill(name);
		await dialog.getByLabel(`Member ${i + 1} department`).selectOption(department);
	}
}

describe('facilitating a session in Chromium', () => {
	it(
		'charters a team from a complaint, follows its work on the wall, celebrates its win and writes the minutes',
		{ timeout: 120_000 },
		async () => {
			const facilitator = await openFacilitator();
			const wall = await openPage(browser, server.url, '/rooms/demo/wall', {
				name: 'Boardroom TV',
				role: 'viewer',
				viewport: { width: 1920, height: 1080 },
				waitFor: '[data-testid="wall-connection"][data-state="live"]'
			});

			// The session opens with the teams still open, then turns the room to a stage: every wall follows.
			await facilitator.getByRole('button', { name: 'Start session' }).click();
			await facilitator.locator('[data-testid="opening-review"] [data-testid="opening-team-t-one-sitting"]').waitFor();
			await facilitator.locator('[data-testid="agenda-renew-leave"]').click();
			await facilitator.locator('[data-testid="stage-focus"][data-stage-id="renew-leave"]').waitFor();
			await wall.locator('[data-testid="wall-spotlight"][data-kind="stage"][data-target-id="renew-leave"]').waitFor();

			// A ten-minute timebox, one more minute: the wall counts down from eleven.
			await facilitator.getByRole('button', { name: '10 min', exact: true }).click();
			await wall.locator('[data-testid="wall-timer"]').waitFor();
			await facilitator.getByTestId('timer-plus-minute').click();
			await expect
				.poll(async () => Number(await wall.locator('[data-testid="wall-timer"]').getAttribute('data-left')), { timeout: 5_000 })
				.toBeGreaterThan(600);

			// Charter a team from the complaint category, ranked under the stage.
			const complaint = facilitator.locator('[data-testid="letdown-complaint-c-closing"]');
			await complaint.getByRole('checkbox').check();
			await facilitator.getByTestId('charter-from-selection').click();
			const dialog = facilitator.locator('[data-testid="charter-dialog"]');
			await dialog.getByLabel('Team name').fill('Close an account in one call');
			await fillMembers(facilitator, [
				['Olivia Ortiz', 'Operations'],
				['Sam Lee', 'Customer Service']
			]);
			await dialog.getByLabel('Executive sponsor').fill('Helen Carter, COO');
			await dialog.getByLabel('Target', { exact: true }).fill('Under 15 complaints a month');
			await expect(dialog.getByRole('checkbox', { name: /Hard to close an account/ }).isChecked()).resolves.toBe(true);
			await dialog.getByRole('button', { name: 'Charter the team' }).click();
			await facilitator.getByTestId('desk-notice').getByText('Chartered “Close an account in one call”').waitFor();

			const state = await roomState();
			const team = Object.values(state.teams).find((t) => t.name === 'Close an account in one call')!;
			expect(team.links.complaints).toEqual(['c-closing']);
			expect(team.members.map((m) => m.department)).toEqual(['Operations', 'Customer Service']);
			expect(team.sessionId).toBe(state.session!.id);
			const teamPath = await facilitator
				.locator(`[data-testid="panel-team-${team.id}"] [data-testid="team-link"]`)
				.getAttribute('href');
			expect(teamPath).toBe(`/rooms/demo/teams/${team.id}`);

			// The new team goes up on every wall.
			await facilitator.getByTestId('desk-notice').getByTestId(`spotlight-team-${team.id}`).click();
			const onWall = wall.locator(`[data-testid="wall-spotlight"][data-kind="team"][data-target-id="${team.id}"]`);
			await onWall.waitFor();

			// Two members on their own screens (one a phone): one posts a finding, the other moves the status.
			const olivia = await openPage(browser, server.url, teamPath!, {
				name: 'Olivia Ortiz',
				role: 'contributor',
				viewport: { width: 390, height: 844 }
			});
			const sam = await openPage(browser, server.url, teamPath!, { name: 'Sam Lee', role: 'contributor' });
			const finding = 'Closing takes three calls because the branch cannot see the online request.';
			await olivia.getByLabel('Update', { exact: true }).fill(finding);
			await olivia.getByRole('button', { name: 'Post finding' }).click();
			await sam.locator('[data-testid="team-update"]', { hasText: finding }).waitFor();
			await sam.getByLabel('Move to').selectOption('investigating');
			await sam.getByRole('button', { name: 'Move to investigating' }).click();
			await expect
				.poll(() => olivia.getByTestId('team-page').getAttribute('data-status'), { timeout: 5_000 })
				.toBe('investigating');

			// The wall shows both; the facilitator's activity feed names who did what.
			await expect.poll(() => onWall.textContent(), { timeout: 5_000 }).toContain(finding.slice(0, 60));
			await expect.poll(() => onWall.textContent(), { timeout: 5_000 }).toContain('Investigating');
			await facilitator
				.locator('[data-testid="activity-item"]', { hasText: 'Olivia Ortiz posted a finding in Close an account in one call' })
				.waitFor();
			await facilitator
				.locator('[data-testid="activity-item"]', {
					hasText: 'Sam Lee moved Close an account in one call from chartered to investigating'
				})
				.waitFor();

			// A win: every wall celebrates, and the team's page shows it won.
			await facilitator.getByTestId(`mark-win-${team.id}`).click();
			const winDialog = facilitator.locator('[data-testid="win-dialog"]');
			await winDialog.getByLabel('Headline').fill('Closing an account now takes one call');
			await winDialog.getByLabel('Before').fill('45 complaints a month');
			await winDialog.getByLabel('After').fill('12 a month');
			await winDialog.getByRole('button', { name: 'Mark the win and celebrate' }).click();
			const celebration = wall.locator('[data-testid="celebration"]');
			await celebration.waitFor({ timeout: 5_000 });
			expect(await celebration.textContent()).toContain('Closing an account now takes one call');
			await expect.poll(() => sam.getByTestId('team-page').getAttribute('data-status'), { timeout: 5_000 }).toBe('won');

			// End the session; the minutes file lists the team and the win.
			await facilitator.getByTestId('end-session').click();
			await facilitator.getByTestId('confirm-end-session').click();
			const link = facilitator.getByTestId('download-minutes').first();
			await link.waitFor();
			const [download] = await Promise.all([facilitator.waitForEvent('download'), link.click()]);
			expect(download.suggestedFilename()).toMatch(/^customer-room-minutes-demo-\d{4}-\d{2}-\d{2}\.md$/);
			const minutes = await readFile((await download.path())!, 'utf8');
			expect(minutes).toContain('## Attendees');
			expect(minutes).toContain('Fiona Facilitator');
			expect(minutes).toContain('### Close an account in one call');
			expect(minutes).toContain('- Members: Olivia Ortiz (Operations), Sam Lee (Customer Service) (2 departments)');
			expect(minutes).toContain('- Executive sponsor: Helen Carter, COO');
			expect(minutes).toContain('**Closing an account now takes one call**: 45 complaints a month → 12 a month');
			expect(minutes).toContain('## Open fix teams (2)');

			await closeAll(facilitator, wall, olivia, sam);
		}
	);

	it(
		'shows the server’s refusal of a one-department team in the charter form, and charters it once fixed',
		{ timeout: 60_000 },
		async () => {
			const facilitator = await openFacilitator();
			await facilitator.getByTestId('teams-panel').getByRole('button', { name: 'Charter a fix team' }).click();
			const dialog = facilitator.locator('[data-testid="charter-dialog"]');
			await dialog.getByLabel('Team name').fill('Operations on its own');
			await fillMembers(facilitator, [
				['Grace Okafor', 'Operations'],
				['Marco Rossi', 'Operations']
			]);
			// What a reader sees: the markup may wrap the sentence, the page shows it on one line.
			await expect(dialog.getByTestId('department-span').innerText()).resolves.toContain('Spans 1 department');
			await dialog.getByRole('button', { name: 'Charter the team' }).click();

			const error = dialog.getByTestId('charter-error');
			await error.waitFor();
			expect(await error.textContent()).toContain(
				'A fix team must span at least two departments: broken experiences cross silos. Add a member from another department.'
			);
			expect(Object.values((await roomState()).teams).some((t) => t.name === 'Operations on its own')).toBe(false);

			await dialog.getByLabel('Member 2 department').selectOption('IT');
			await dialog.getByRole('button', { name: 'Charter the team' }).click();
			await dialog.waitFor({ state: 'hidden' });
			expect(Object.values((await roomState()).teams).filter((t) => t.name === 'Operations on its own')).toHaveLength(1);
			await closeAll(facilitator);
		}
	);

	it(
		'plays a recorded call through the facilitator’s machine and keeps the room’s position in step with the audio',
		{ timeout: 60_000 },
		async () => {
			// Point the demo's first call at the real recording shipped in static/demo/calls.
			const curator = await roomSocket('facilitator');
			await join(curator, 'demo');
			const updated = await send(curator, 'demo', {
				type: 'artifact.update',
				artifactId: 'a-call-stuck-at-id',
				patch: { url: '/demo/calls/call-stuck-at-id.ogg' }
			});
			curator.disconnect();
			expect(updated.ok).toBe(true);

			const facilitator = await openFacilitator();
			const wall = await openPage(browser, server.url, '/rooms/demo/wall', {
				name: 'Boardroom TV',
				role: 'viewer',
				viewport: { width: 1920, height: 1080 },
				waitFor: '[data-testid="wall-connection"][data-state="live"]'
			});
			await inSessionAt(facilitator, 'apply');
			const player = facilitator.getByTestId('call-player');
			await player.getByLabel('Call', { exact: true }).selectOption('a-call-stuck-at-id');
			const audio = player.getByTestId('call-audio');
			await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.duration), { timeout: 10_000 }).toBeGreaterThan(100);

			// A click gives the page the user activation that playing sound needs.
			await player.getByRole('heading', { name: 'Hear the customer' }).click();
			await audio.evaluate((a: HTMLAudioElement) => a.play());
			await expect.poll(async () => (await roomState()).nowPlaying?.since ?? null, { timeout: 5_000 }).not.toBeNull();
			expect((await roomState()).nowPlaying?.artifactId).toBe('a-call-stuck-at-id');
			// The transcript follows: past the first line (about 5 s of speech) it marks the second.
			await expect
				.poll(async () => Number(await player.getByTestId('call-transcript').getAttribute('data-current')), { timeout: 15_000 })
				.toBeGreaterThanOrEqual(1);

			const at = await audio.evaluate((a: HTMLAudioElement) => {
				a.pause();
				return a.currentTime;
			});
			await expect.poll(pausedAt, { timeout: 5_000 }).not.toBeNull();
			expect(Math.abs((await pausedAt())! - at)).toBeLessThan(0.5);

			// Paused at 0:30 of the recording: the wall shows the recording's position and length, as the
			// facilitator's player does (it once showed 0:14 / 11:42, a length taken from the transcript's text),
			// and the same transcript line.
			await audio.evaluate((a: HTMLAudioElement) => (a.currentTime = 30));
			await expect.poll(pausedAt, { timeout: 5_000 }).toBe(30);
			const onWall = wall.getByTestId('wall-call-time');
			const facilitatorTime = player.getByTestId('call-time');
			await expect.poll(() => facilitatorTime.textContent(), { timeout: 5_000 }).toMatch(/^0:30 \/ 1:\d\d$/);
			await expect.poll(() => onWall.textContent(), { timeout: 5_000 }).toBe(await facilitatorTime.textContent());
			const shown = wall.getByTestId('wall-now-playing');
			expect(Number(await shown.getAttribute('data-line'))).toBe(
				Number(await player.getByTestId('call-transcript').getAttribute('data-current'))
			);
			expect(Number(await shown.getAttribute('data-line'))).toBeGreaterThan(0);
			if (process.env.SCREENSHOT_DIR)
				await wall.screenshot({ path: `${process.env.SCREENSHOT_DIR}/wall-call-following-recording.png` });

			await player.getByRole('button', { name: /Stop/ }).click();
			await expect.poll(async () => (await roomState()).nowPlaying, { timeout: 5_000 }).toBeNull();
			await closeAll(facilitator, wall);
		}
	);

	it(
		'charters from the ticked evidence with either charter button, and edits and removes a decision',
		{ timeout: 90_000 },
		async () => {
			const facilitator = await openFacilitator();
			await inSessionAt(facilitator, 'help');
			const letdown = facilitator.locator('[data-testid="letdowns"] li').first();
			await letdown.getByRole('checkbox').check();
			// The side panel's button says what it will link, and links it, like the one under the stage.
			const panelButton = facilitator.getByTestId('charter-from-panel');
			await expect.poll(() => panelButton.textContent()).toMatch(/Charter a fix team from 1 ticked item/);
			expect(await facilitator.getByTestId('charter-from-selection').textContent()).toMatch(/from 1 ticked item/);
			await panelButton.click();
			const dialog = facilitator.locator('[data-testid="charter-dialog"]');
			const linked = dialog.getByRole('checkbox');
			expect(await linked.count()).toBe(1);
			expect(await linked.isChecked()).toBe(true);
			if (process.env.SCREENSHOT_DIR)
				await facilitator.screenshot({ path: `${process.env.SCREENSHOT_DIR}/facilitate-charter-from-panel.png` });
			await dialog.getByRole('button', { name: /^Close/ }).click();
			await dialog.waitFor({ state: 'hidden' });

			// A decision recorded with a slip is put right, and another taken out (asked once more).
			const decisions = facilitator.getByTestId('decisions-panel');
			const before = (await roomState()).session?.decisions.map((d) => d.text) ?? [];
			const [first, second] = [before.length + 1, before.length + 2];
			for (const text of ['Fund the contact-centre fix from the Q2 budgte.', 'Review the debt letters in May.']) {
				await decisions.getByLabel('Record a decision').fill(text);
				await decisions.getByRole('button', { name: 'Record decision' }).click();
				await decisions.getByText(text).waitFor();
			}
			await decisions.getByRole('button', { name: `Edit decision ${first}` }).click();
			await decisions.getByLabel(`Decision ${first}`).fill('Fund the contact-centre fix from the Q2 budget.');
			await decisions.getByRole('button', { name: 'Save the decision' }).click();
			await decisions.getByRole('button', { name: `Remove decision ${second}` }).click();
			if (process.env.SCREENSHOT_DIR)
				await facilitator.screenshot({ path: `${process.env.SCREENSHOT_DIR}/facilitate-decisions.png` });
			await decisions.getByRole('button', { name: 'Remove it' }).click();
			await expect
				.poll(async () => (await roomState()).session?.decisions.map((d) => d.text))
				.toEqual([...before, 'Fund the contact-centre fix from the Q2 budget.']);
			await closeAll(facilitator);
		}
	);

	it('reads a call without a recording along at speaking pace', { timeout: 60_000 }, async () => {
		// Every demo call ships with a recording: point this one at the call centre's own system instead, as a
		// room whose recordings stay there has, so only its transcript can be played here.
		const curator = await roomSocket('facilitator');
		await join(curator, 'demo');
		const updated = await send(curator, 'demo', {
			type: 'artifact.update',
			artifactId: 'a-call-closing',
			patch: { url: 'https://calls.northwind.example/recordings/8841' }
		});
		curator.disconnect();
		expect(updated.ok).toBe(true);

		const facilitator = await openFacilitator();
		await inSessionAt(facilitator, 'renew-leave');
		const player = facilitator.getByTestId('call-player');
		await player.getByLabel('Call', { exact: true }).selectOption('a-call-closing');
		const readAlong = player.getByTestId('read-along-call');
		await readAlong.getByRole('button', { name: 'Read along on every wall' }).click();
		await expect.poll(() => readAlong.getAttribute('data-playing'), { timeout: 5_000 }).toBe('true');
		const playing = (await roomState()).nowPlaying!;
		expect([playing.artifactId, playing.positionSec]).toEqual(['a-call-closing', 0]);

		await readAlong.getByTestId('call-pause').click();
		await expect.poll(pausedAt, { timeout: 5_000 }).not.toBeNull();
		await readAlong.getByRole('button', { name: 'Stop' }).click();
		await expect.poll(async () => (await roomState()).nowPlaying, { timeout: 5_000 }).toBeNull();
		await closeAll(facilitator);
	});

	it('turns a stranger away from every room page alike: the reason said once, and the way back to all rooms', async () => {
		for (const path of ['/rooms/demo', '/rooms/demo/facilitate', '/rooms/demo/teams', '/rooms/demo/curate']) {
			const stranger = await openPage(browser, server.url, path, { anonymous: true, waitFor: '[data-testid="room-error"]' });
			expect(await stranger.locator('[data-testid="room-error"]').textContent()).toContain('You have no access to room "demo".');
			const body = (await stranger.textContent('body')) ?? '';
			expect(body.match(/Open the invite link/g), path).toHaveLength(1);
			expect(body).toContain('This browser cannot open this room');
			expect(body).toContain('ask a facilitator of the room to invite you, or for a new invite link');
			await stranger.getByRole('link', { name: 'See all rooms' }).waitFor();
			await closeAll(stranger);
		}
	});
});
