// Time in the monthly session, in real Chromium against the real server (demo room): timeboxes planned
// when the session is set up, the time per stop on the desk, the last minute large on the walls and
// "+m:ss over" after zero, the chime at zero under both autoplay rules (never on corridor screens),
// and the presenter layout on a 1080p screen with the call player in view.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
import { launchChromium } from '../support/browser';
import { openPage, type OpenOptions } from '../support/pages';
import { freePort, sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { join, send, type TestSocket } from '../support/test-server';
import { tempDir } from '../support/temp-dir';

let server: ServerProcess;
/** Lets pages start audio without a click (a kiosk's setting, and headless Chromium's behaviour). */
let permissive: Browser;
/** Asks for a click first; for Web Audio, pages there also get the gesture rule below. */
let strict: Browser;
let cleanup: () => Promise<void>;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true', PORT: String(await freePort()) });
	permissive = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
	strict = await launchChromium(['--autoplay-policy=document-user-activation-required']);
}, 60_000);

afterAll(async () => {
	await permissive?.close();
	await strict?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `timebox-${name}.png`) });
}

/** Counts the notes the page starts playing: each chime is two oscillators started. */
function countNotes() {
	const w = window as unknown as { notesStarted: number };
	w.notesStarted = 0;
	const start = OscillatorNode.prototype.start;
	OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
		w.notesStarted += 1;
		return start.apply(this, args);
	};
}
/**
 * The browser's autoplay rule for Web Audio: an AudioContext stays suspended until a person has clicked or
 * pressed a key on the page. Headless Chromium does not apply it to Web Audio, whatever its
 * --autoplay-policy switch says, and the driver's own scripts count as user activation there, so pages of
 * the "needs a click" kind get the rule here, keyed to real (trusted) input events.
 */
function requireGestureForAudio() {
	// Scripts for the page are sent as their own text: this one counts notes itself (as `countNotes`).
	const w = window as unknown as { notesStarted: number };
	w.notesStarted = 0;
	const startNote = OscillatorNode.prototype.start;
	OscillatorNode.prototype.start = function (...args: Parameters<typeof startNote>) {
		w.notesStarted += 1;
		return startNote.apply(this, args);
	};
	let gestured = false;
	const mark = (e: Event) => {
		if (e.isTrusted) gestured = true;
	};
	addEventListener('pointerdown', mark, true);
	addEventListener('keydown', mark, true);
	const Real = AudioContext;
	const resume = Real.prototype.resume;
	Real.prototype.resume = function (this: AudioContext) {
		return gestured ? resume.call(this) : new Promise<void>(() => undefined);
	};
	window.AudioContext = class extends Real {
		constructor(options?: AudioContextOptions) {
			super(options);
			// Until then, the context is held suspended whenever it starts.
			const hold = () => {
				if (!gestured && this.state === 'running') void Real.prototype.suspend.call(this);
			};
			this.addEventListener('statechange', hold);
			hold();
		}
	};
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as { notesStarted: number }).notesStarted);

const LIVE_WALL = '[data-testid="wall-connection"][data-state="live"]';
const open = (browser: Browser, url: string, options: OpenOptions) =>
	openPage(browser, server.url, url, { initScript: countNotes, ...options });

/** A facilitator's socket, to set a short countdown (the desk's buttons start at one minute). */
async function facilitatorSocket(): Promise<TestSocket> {
	const token = await sessionToken(server.url, 'demo', 'facilitator', 'Timekeeper');
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	await new Promise((resolve) => socket.once('connect', () => resolve(null)));
	await join(socket, 'demo');
	return socket;
}
async function act(socket: TestSocket, command: Command) {
	const result = await send(socket, 'demo', command);
	if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
}

const fontPx = (page: Page, selector: string) =>
	page
		.locator(selector)
		.first()
		.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

/** Whether the element is wholly inside the window. */
async function inView(page: Page, selector: string): Promise<boolean> {
	const box = await page.locator(selector).first().boundingBox();
	const size = page.viewportSize();
	return (
		!!box &&
		!!size &&
		box.x >= 0 &&
		box.y >= 0 &&
		box.y + Math.min(box.height, 240) <= size.height &&
		box.x + box.width <= size.width
	);
}

describe('time in the session, in Chromium', () => {
	it(
		'plans timeboxes, counts down large in the last minute, shows "+m:ss over" and chimes at zero where sound is enabled',
		{ timeout: 180_000 },
		async () => {
			const facilitator = await open(strict, '/rooms/demo/facilitate', {
				name: 'Fiona Facilitator',
				role: 'facilitator',
				initScript: requireGestureForAudio
			});

			// Planning: ten minutes a stage by default; "Apply & open" gets 15, "Discover" none.
			const start = facilitator.getByTestId('session-start');
			await start.getByLabel('Minutes for Apply & open (0 for no timebox)').fill('15');
			await start.getByLabel('Minutes for Discover & compare (0 for no timebox)').fill('0');
			await expect.poll(() => start.getByTestId('session-plan').textContent()).toMatch(/7 of 7 stages, 65 min planned\./);
			await screenshot(facilitator, 'session-start');
			await start.getByRole('button', { name: 'Start session' }).click();

			// Turning to a stage starts its timebox; the desk shows planned and spent per stop.
			await facilitator.getByTestId('agenda-apply').click();
			const readout = facilitator.getByTestId('timer-left');
			await expect.poll(() => readout.textContent()).toMatch(/^1[45]:\d\d$/);
			await expect
				.poll(() => facilitator.getByTestId('agenda-apply').getByTestId('agenda-time').textContent())
				.toMatch(/^0:\d\d of 15 min$/);
			await expect(facilitator.getByTestId('agenda-discover').textContent()).resolves.not.toContain(' of ');

			// Sound on the facilitator's device: one click on "Enable sound" unlocks it.
			await facilitator.getByTestId('enable-sound').click();
			await facilitator.locator('[data-testid="enable-sound"][data-state="on"]').waitFor();

			// Walls: the room's big screen where autoplay is allowed, one that needs a click, a corridor screen.
			const wall = await open(permissive, '/rooms/demo/wall?sound=on', {
				role: 'viewer',
				viewport: { width: 1920, height: 1080 },
				waitFor: LIVE_WALL
			});
			const clickWall = await open(strict, '/rooms/demo/wall?sound=on', {
				role: 'viewer',
				waitFor: LIVE_WALL,
				initScript: requireGestureForAudio
			});
			const silentWall = await open(strict, '/rooms/demo/wall?sound=on', {
				role: 'viewer',
				waitFor: LIVE_WALL,
				initScript: requireGestureForAudio
			});
			const corridor = await open(permissive, '/rooms/demo/wall?mode=corridor&sound=on', {
				role: 'viewer',
				waitFor: LIVE_WALL
			});
			await wall.locator('[data-testid="wall-timer"][data-phase="running"]').waitFor();
			expect(await wall.getByTestId('wall-sound').count(), 'autoplay allowed: no click needed').toBe(0);
			await silentWall.locator('[data-testid="enable-sound"][data-state="locked"]').waitFor();
			await clickWall.getByTestId('enable-sound').click();
			await clickWall.getByTestId('wall-sound').waitFor({ state: 'detached' });
			await corridor.getByTestId('wall-session').waitFor();
			expect(await corridor.getByTestId('wall-timer').count(), 'no countdown on a corridor screen').toBe(0);

			// The last minute: large on the room's wall, readable from three metres, inside the screen.
			const socket = await facilitatorSocket();
			await act(socket, { type: 'session.setTimer', durationSec: 45 });
			const big = wall.locator('[data-testid="wall-last-minute"][data-phase="last-minute"]');
			await big.waitFor();
			expect(await fontPx(wall, '[data-testid="wall-last-minute"] .digits')).toBeGreaterThanOrEqual(150);
			expect(await inView(wall, '[data-testid="wall-last-minute"]')).toBe(true);
			expect(await corridor.getByTestId('wall-last-minute').count()).toBe(0);
			await screenshot(wall, 'wall-last-minute-1080p');

			// Past zero: "+m:ss over" on the wall and the desk, and the chime where sound is on and unlocked.
			await act(socket, { type: 'session.setTimer', durationSec: 2 });
			const over = /^\+0:\d\d over$/;
			await expect.poll(() => wall.getByTestId('wall-timer').locator('.time').textContent(), { timeout: 15_000 }).toMatch(over);
			await expect.poll(() => readout.textContent(), { timeout: 15_000 }).toMatch(over);
			await wall.locator('[data-testid="wall-last-minute"][data-phase="over"]').waitFor();
			await expect.poll(() => notes(wall), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
			await expect.poll(() => notes(facilitator), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
			await expect.poll(() => notes(clickWall), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
			await screenshot(wall, 'wall-over-1080p');
			await screenshot(facilitator, 'desk-over');
			expect(await notes(silentWall), 'no click, no sound').toBe(0);
			expect(await notes(corridor), 'never on a corridor screen').toBe(0);

			// The minutes list the agenda with the time planned and spent.
			await act(socket, { type: 'session.end' });
			const snapshot = await join(socket, 'demo');
			const sessionId = snapshot.ok && snapshot.mode === 'snapshot' ? snapshot.state.session?.id : undefined;
			await facilitator.goto(`${server.url}/rooms/demo/sessions/${sessionId}`);
			const agenda = facilitator.getByTestId('minutes-agenda');
			await expect.poll(() => agenda.textContent()).toMatch(/Apply & open \(15 min planned, \d+:\d\d spent\)/);
			await screenshot(facilitator, 'minutes');
			socket.disconnect();

			await Promise.all([facilitator, wall, clickWall, silentWall, corridor].map((p) => p.context().close()));
		}
	);

	it(
		'shows the presenter layout on a 1080p screen with large type and the call player in view, and remembers it',
		{ timeout: 120_000 },
		async () => {
			const socket = await facilitatorSocket();
			await send(socket, 'demo', { type: 'session.end' }); // whatever the first test left running
			await act(socket, {
				type: 'session.start',
				sessionId: 'presenting',
				title: 'April session',
				agenda: ['apply', 'renew-leave'],
				timeboxSec: { apply: 600 }
			});
			await act(socket, { type: 'session.focus', stageId: 'apply' });
			socket.disconnect();

			const big = await open(permissive, '/rooms/demo/facilitate?layout=presenter', {
				name: 'Big screen',
				role: 'facilitator',
				viewport: { width: 1920, height: 1080 }
			});
			await big.getByTestId('presenter').waitFor();
			expect(await big.getByTestId('presenter-stage').textContent()).toBe('Apply & open');
			expect(await fontPx(big, '[data-testid="presenter-stage"]')).toBeGreaterThanOrEqual(40);
			expect(await fontPx(big, '[data-testid="stage-focus"]')).toBeGreaterThanOrEqual(20);
			expect(await fontPx(big, '[data-testid="presenter-timer"] strong')).toBeGreaterThanOrEqual(60);
			expect(await inView(big, '[data-testid="presenter-timer"]')).toBe(true);
			// Once only: the session bar keeps the timebox's buttons but not a second, small countdown.
			expect(await big.getByTestId('timer-left').count()).toBe(0);
			await big.getByTestId('timer-plus-minute').waitFor();
			expect(await inView(big, '[data-testid="call-player"]'), 'call player above the fold').toBe(true);
			// The vote is on the big screen too: the facilitator opens and reveals it from there.
			expect(await big.locator('[data-slot="vote"] [data-testid="vote-panel"]').count()).toBe(1);
			await screenshot(big, 'presenter-1080p');
			// Opened, the vote comes first in the side column: the count of voters and Reveal are in view.
			await big.getByTestId('open-vote').click();
			await big.getByTestId('reveal-vote').waitFor();
			// In view on the screen and not scrolled out of the side column, which scrolls on its own.
			const shown = () =>
				big.evaluate(() => {
					const button = document.querySelector('[data-testid="reveal-vote"]')!.getBoundingClientRect();
					const column = document.querySelector('[data-testid="presenter"] aside')!.getBoundingClientRect();
					return button.top >= column.top && button.bottom <= Math.min(column.bottom, innerHeight);
				});
			await expect.poll(shown, { message: 'an open vote in view at 1080p' }).toBe(true);
			const voteFirst = await big.evaluate(() => {
				const vote = document.querySelector('[data-slot="vote"]')!;
				const player = document.querySelector('[data-testid="call-player"]')!;
				return (vote.compareDocumentPosition(player) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
			});
			expect(voteFirst, 'the open vote comes before the call player').toBe(true);
			await screenshot(big, 'presenter-vote-1080p');
			await big.getByTestId('reveal-vote').click();
			await big.locator('[data-testid="reveal-vote"]').waitFor({ state: 'detached' });

			await big.setViewportSize({ width: 1366, height: 768 });
			expect(await inView(big, '[data-testid="call-player"]'), 'call player in view at 1366x768').toBe(true);
			await screenshot(big, 'presenter-1366');

			// Remembered on the device: the desk opens in presenter layout without the link, until switched back.
			await big.goto(`${server.url}/rooms/demo/facilitate`);
			await big.getByTestId('presenter').waitFor();
			await big.getByTestId('layout-switch').click();
			await big.locator('[data-testid="facilitate"][data-layout="laptop"]').waitFor();
			expect(big.url()).toContain('layout=laptop');
			await big.goto(`${server.url}/rooms/demo/facilitate`);
			await big.locator('[data-testid="facilitate"][data-layout="laptop"]').waitFor();
			expect(await big.getByTestId('presenter').count()).toBe(0);

			// A laptop and a phone keep the laptop layout, with the time per stop on the agenda.
			const phone = await open(permissive, '/rooms/demo/facilitate', {
				name: 'Phone',
				role: 'facilitator',
				viewport: { width: 360, height: 740 }
			});
			await phone.getByTestId('session-bar').waitFor();
			await expect.poll(() => phone.getByTestId('agenda-apply').getByTestId('agenda-time').textContent()).toMatch(/ of 10 min/);
			await screenshot(phone, 'desk-phone');
			await Promise.all([big, phone].map((p) => p.context().close()));
		}
	);
});
