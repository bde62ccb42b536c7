/**
 * The Curate screen's Artifacts tab in real Chromium against the real server (uploads capped at 1 MB):
 * a picture uploaded with its progress shows on another person's board by its thumbnail; a picture
 * called .pdf is kept as a picture; a file too large and programs are refused with the server's words
 * and nothing typed is lost; a recorded call plays with its transcript; a new version replaces an old
 * one on the board while the history keeps both, side by side; sensitive artifacts stay off corridor
 * screens; links and notes need no file; everything works by keyboard and on a phone.
 * `SCREENSHOT_DIR=<dir>` also saves curate-artifacts.png (1440x900, the docs' picture) and
 * curate-artifacts-phone.png (360x800) of the demo room there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifact, RoomState } from '../../src/lib/domain';
import { launchChromium } from '../support/browser';
import { openPage, type Role } from '../support/pages';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { createRoom, join, send, type TestSocket } from '../support/test-server';
import { tempDir } from '../support/temp-dir';
import { slowUplink } from '../support/uplink';

const STATIC = path.resolve(__dirname, '../../static/demo');
const CALL = readFileSync(path.join(STATIC, 'calls/call-stuck-at-id.ogg'));
const SCREENSHOTS = process.env.SCREENSHOT_DIR;

let server: ServerProcess;
let browser: Browser;
let cleanup: () => Promise<void>;
const opened: Page[] = [];
let rooms = 0;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { UPLOAD_LIMIT_MB: '1', SEED_DEMO: 'true' });
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

/**
 * A new room (createRoom's "Apply" stage with its "Online form" touchpoint, then "Use" with none),
 * and a facilitator's socket joined to it for reading its state as every screen computes it.
 */
async function newRoom() {
	const roomId = `artifacts-${++rooms}`;
	const token = await sessionToken(server.url, roomId, 'facilitator', 'Seeder');
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		auth: { token }
	});
	await new Promise((resolve) => socket.once('connect', () => resolve(null)));
	await createRoom(socket, roomId);
	const use = await send(socket, roomId, { type: 'stage.add', stageId: 'use', name: 'Use', customerGoal: '' });
	if (!use.ok) throw new Error(use.message);
	const state = async (): Promise<RoomState> => {
		const joined = await join(socket, roomId);
		if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
		return joined.state;
	};
	const byTitle = async (title: string): Promise<Artifact[]> =>
		Object.values((await state()).artifacts).filter((a) => a.title === title);
	return { roomId, state, byTitle, close: () => socket.disconnect() };
}

async function open(roomId: string, path: string, role: Role, viewport = { width: 1440, height: 900 }) {
	const page = await openPage(browser, server.url, `/rooms/${roomId}${path}`, { role, name: `A ${role}`, viewport });
	opened.push(page);
	return page;
}

const openCurate = (roomId: string, viewport?: { width: number; height: number }) =>
	open(roomId, '/curate?tab=artifacts', 'contributor', viewport).then(async (page) => {
		await page.getByTestId('artifacts-panel').waitFor();
		return page;
	});

/** A picture of one colour; `noise` makes it large (noise does not compress). */
const png = (width: number, height: number, colour: { r: number; g: number; b: number }, noise = false) =>
	sharp({
		create: {
			width,
			height,
			channels: 3,
			background: colour,
			...(noise ? { noise: { type: 'gaussian' as const, mean: 128, sigma: 40 } } : {})
		}
	})
		.png()
		.toBuffer();

const addForm = (page: Page) => page.getByTestId('artifact-add');

/** A new room, its Artifacts tab open for a contributor, and the tab's add form. */
async function curateNewRoom(viewport?: { width: number; height: number }) {
	const room = await newRoom();
	const page = await openCurate(room.roomId, viewport);
	return { room, page, form: addForm(page) };
}

/** Picks a file in a form's file picker, as a person does from the file dialog. */
async function pickFile(scope: Locator, name: string, mimeType: string, buffer: Buffer) {
	await scope.locator('input[type="file"]').setInputFiles({ name, mimeType, buffer });
}

/** Picks a file and waits until the server has stored it. */
async function upload(scope: Locator, name: string, mimeType: string, buffer: Buffer) {
	await pickFile(scope, name, mimeType, buffer);
	await scope.getByTestId('upload-done').waitFor();
}

/** Saves the add form and waits until the room has the new artifact. */
async function save(form: Locator) {
	await form.getByRole('button', { name: 'Save artifact' }).click();
	await form.getByTestId('artifact-added').waitFor();
}

/** Waits until a page shows the room at the version the server has. */
async function caughtUp(page: Page, version: number, selector = '[data-testid="wall"]') {
	await expect
		.poll(async () => Number(await page.locator(selector).getAttribute('data-version')), { timeout: 10_000 })
		.toBeGreaterThanOrEqual(version);
}

/** Whether an image finished loading with real pixels. */
const loaded = (image: Locator) => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

describe('the Artifacts tab', () => {
	it('uploads a picture with a progress bar, and another person’s board shows its thumbnail', { timeout: 90_000 }, async () => {
		const { room, page, form } = await curateNewRoom();

		// A slow uplink, so the upload's progress can be watched as it goes.
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Network.enable');
		await cdp.send('Network.emulateNetworkConditions', {
			offline: false,
			latency: 0,
			downloadThroughput: -1,
			uploadThroughput: 200 * 1024
		});
		const picture = await png(560, 420, { r: 180, g: 40, b: 40 }, true);
		expect(picture.length).toBeGreaterThan(500_000);
		await pickFile(form, 'welcome_pack-front.png', 'image/png', picture);

		const progress = form.getByTestId('upload-progress');
		await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0);
		const midway = await progress.evaluate((p: HTMLProgressElement) => ({
			value: p.value,
			label: p.getAttribute('aria-label'),
			text: p.nextElementSibling?.textContent
		}));
		expect(midway.value).toBeLessThan(100);
		expect(midway.text).toBe(`${Math.round(midway.value)}%`);
		expect(midway.label).toBe('Uploading welcome_pack-front.png');
		// The form is there to fill in while the bytes go; the title comes from the file name.
		await expect.poll(() => form.getByLabel('Title', { exact: true }).inputValue()).toBe('welcome pack front');
		await form.getByLabel('Caption', { exact: true }).fill('The front of the welcome pack, as posted in March.');
		await form.getByLabel('Touchpoint', { exact: true }).selectOption({ label: 'Online form' });
		await form.getByTestId('upload-done').waitFor({ timeout: 30_000 });
		await cdp.send('Network.emulateNetworkConditions', {
			offline: false,
			latency: 0,
			downloadThroughput: -1,
			uploadThroughput: -1
		});
		await expect(form.getByTestId('upload-done').textContent()).resolves.toMatch(
			/stored as a picture \(image\/png, .* 560×420 px\)/
		);
		await form.getByRole('button', { name: 'Save artifact' }).click();
		await form.getByTestId('artifact-added').getByText('Added “welcome pack front” to Apply.').waitFor();

		const [artifact] = await room.byTitle('welcome pack front');
		expect(artifact).toMatchObject({
			kind: 'image',
			stageId: 'apply',
			touchpointId: 'form',
			caption: 'The front of the welcome pack, as posted in March.',
			sensitive: false,
			replacedBy: null
		});
		expect(artifact!.file).toMatchObject({ name: 'welcome_pack-front.png', mime: 'image/png', size: picture.length });
		const thumb = `/api/blobs/${artifact!.file!.thumbBlobId}`;

		// Listed under its stage and touchpoint here, by its thumbnail.
		const row = page.getByTestId(`artifact-row-${artifact!.id}`);
		await expect(
			page.getByTestId('artifact-stage-apply').getByRole('heading', { name: 'Online form' }).isVisible()
		).resolves.toBe(true);
		await expect(row.getByTestId('artifact-image').getAttribute('src')).resolves.toBe(thumb);

		// Someone else's board, a viewer's: the same picture, by its thumbnail, not the full file.
		const board = await open(room.roomId, '', 'viewer');
		const onBoard = board.getByTestId(`artifact-${artifact!.id}`).getByRole('img', { name: 'welcome pack front' });
		await expect(onBoard.getAttribute('src')).resolves.toBe(thumb);
		await expect.poll(() => loaded(onBoard)).toBe(true);
		room.close();
	});

	it(
		'cancels an upload under way: the bytes stop, nothing is saved, what was typed stays, and a new pick uploads',
		{ timeout: 60_000 },
		async () => {
			const { room, page, form } = await curateNewRoom();
			const uplink = await slowUplink(page, 50 * 1024);
			const picture = await png(560, 420, { r: 40, g: 140, b: 60 }, true);
			await pickFile(form, 'wrong-file.png', 'image/png', picture);
			await expect
				.poll(async () => Number(await form.getByTestId('upload-progress').getAttribute('value')), { timeout: 10_000 })
				.toBeGreaterThan(0);
			await form.getByLabel('Caption', { exact: true }).fill('Typed while the wrong file went up.');

			await form.getByRole('button', { name: 'Cancel upload' }).click();
			await expect(form.getByTestId('upload-notice').textContent()).resolves.toBe(
				'Stopped uploading wrong-file.png. Nothing was stored; pick a file again when ready.'
			);
			await expect(form.getByTestId('upload-progress').count()).resolves.toBe(0);
			await expect.poll(() => uplink.aborted).toEqual(['net::ERR_ABORTED']);
			expect(Object.keys((await room.state()).artifacts)).toEqual([]);
			// The file picker takes the focus the vanished button had.
			await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).resolves.toBe('file');

			await uplink.restore();
			await upload(form, 'right-file.png', 'image/png', await png(300, 200, { r: 200, g: 160, b: 20 }));
			await expect(form.getByTestId('upload-notice').count()).resolves.toBe(0);
			// The fields come back with what was typed into them.
			await expect(form.getByLabel('Caption', { exact: true }).inputValue()).resolves.toBe('Typed while the wrong file went up.');
			await form.getByRole('button', { name: 'Save artifact' }).click();
			await form.getByTestId('artifact-added').waitFor();
			const state = await room.state();
			const artifacts = Object.values(state.artifacts);
			expect(artifacts.map((x) => [x.file?.name, x.caption])).toEqual([
				['right-file.png', 'Typed while the wrong file went up.']
			]);
			room.close();
		}
	);

	it(
		'keeps a picture named .pdf, dropped on the tab, as a picture: the server reads the bytes, not the name',
		{ timeout: 60_000 },
		async () => {
			const { room, page, form } = await curateNewRoom();
			// Dragged from the desktop onto the list side of the tab, not onto the picker.
			const bytes = [...(await png(300, 200, { r: 30, g: 90, b: 160 }))];
			const dataTransfer = await page.evaluateHandle((data) => {
				const transfer = new DataTransfer();
				transfer.items.add(new File([new Uint8Array(data)], 'hang-tag.pdf', { type: 'application/pdf' }));
				return transfer;
			}, bytes);
			const target = page.getByTestId('artifact-stage-use');
			await target.dispatchEvent('dragenter', { dataTransfer });
			await page.getByText('Drop the file to upload it').waitFor();
			await target.dispatchEvent('dragover', { dataTransfer });
			await target.dispatchEvent('drop', { dataTransfer });
			await page.getByText('Drop the file to upload it').waitFor({ state: 'detached' });
			const done = form.getByTestId('upload-done');
			await done.waitFor();
			await expect(done.getAttribute('data-kind')).resolves.toBe('image');
			await expect(done.textContent()).resolves.toMatch(/hang-tag\.pdf: stored as a picture \(image\/png/);
			await save(form);

			const [artifact] = await room.byTitle('hang tag');
			expect(artifact).toMatchObject({ kind: 'image', file: { name: 'hang-tag.pdf', mime: 'image/png' } });
			const row = page.getByTestId(`artifact-row-${artifact!.id}`);
			await expect(row.getAttribute('data-kind')).resolves.toBe('image');
			await expect.poll(() => loaded(row.getByTestId('artifact-image'))).toBe(true);
			await expect(row.getByTestId('artifact-pdf').count()).resolves.toBe(0);
			room.close();
		}
	);

	it('refuses a file too large and programs with the server’s words, and keeps what was typed', { timeout: 60_000 }, async () => {
		const { room, form } = await curateNewRoom();

		// First a good file, so the form is out; then fill it in.
		await upload(form, 'letter.png', 'image/png', await png(200, 100, { r: 240, g: 240, b: 240 }));
		await form.getByLabel('Title', { exact: true }).fill('Overdraft letter');
		await form.getByLabel('Caption', { exact: true }).fill('Sent two days after the fee.');
		await form.getByLabel('Stage', { exact: true }).selectOption({ label: 'Use' });

		const tooLarge = Buffer.alloc(1_500_000, 0x20);
		Buffer.from('%PDF-1.4\n').copy(tooLarge);
		await pickFile(form, 'scan.pdf', 'application/pdf', tooLarge);
		const error = form.getByTestId('upload-error');
		await expect(error.textContent()).resolves.toMatch(/scan\.pdf: This file is larger than the 1 MB a room accepts\./);
		await expect(form.getByRole('button', { name: 'Save artifact' }).isDisabled()).resolves.toBe(true);

		const elf = Buffer.alloc(256);
		Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(elf);
		await pickFile(form, 'invoice.png', 'image/png', elf);
		await expect
			.poll(() => error.textContent())
			.toMatch(/invoice\.png: This file is a Linux program; programs are never accepted\./);

		const exe = Buffer.alloc(512);
		exe.write('MZ', 0, 'latin1');
		exe.writeUInt32LE(0x80, 0x3c);
		exe.write('PE\0\0', 0x80, 'latin1');
		await pickFile(form, 'statement.pdf', 'application/pdf', exe);
		await expect
			.poll(() => error.textContent())
			.toMatch(/statement\.pdf: This file is a Windows program; programs are never accepted\./);

		// Nothing typed was lost, and nothing was added.
		await expect(form.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe('Overdraft letter');
		await expect(form.getByLabel('Caption', { exact: true }).inputValue()).resolves.toBe('Sent two days after the fee.');
		await expect(form.getByLabel('Stage', { exact: true }).inputValue()).resolves.toBe('use');
		expect(Object.keys((await room.state()).artifacts)).toHaveLength(0);

		// The right file now: saved with everything typed before.
		await upload(form, 'overdraft-letter.png', 'image/png', await png(200, 280, { r: 250, g: 250, b: 245 }));
		await expect(form.getByTestId('upload-error').count()).resolves.toBe(0);
		await save(form);
		expect(await room.byTitle('Overdraft letter')).toMatchObject([
			{ stageId: 'use', caption: 'Sent two days after the fee.', kind: 'image' }
		]);
		room.close();
	});

	it('plays an uploaded call with its transcript', { timeout: 60_000 }, async () => {
		const { room, page, form } = await curateNewRoom();
		await upload(form, 'call-stuck-at-id.ogg', 'audio/ogg', CALL);
		await expect(form.getByTestId('upload-done').getAttribute('data-kind')).resolves.toBe('audio');
		await form.getByLabel('Title', { exact: true }).fill('Stuck at the ID step');
		await form
			.getByLabel('Transcript', { exact: true })
			.fill('AGENT: How can I help today?\nCUSTOMER: The app keeps failing at the ID bit.');
		await save(form);

		const [call] = await room.byTitle('Stuck at the ID step');
		expect(call).toMatchObject({
			kind: 'audio',
			file: { mime: 'audio/ogg' },
			transcript: 'AGENT: How can I help today?\nCUSTOMER: The app keeps failing at the ID bit.'
		});
		const row = page.getByTestId(`artifact-row-${call!.id}`);
		const audio = row.getByTestId('artifact-audio');
		await expect(audio.getAttribute('src')).resolves.toBe(`/api/blobs/${call!.blobId}`);
		// The browser read the recording's header: it knows how long the call is, so it can play and seek.
		await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
		const duration = await audio.evaluate((a: HTMLAudioElement) => a.duration);
		expect(duration).toBeGreaterThan(1);
		await expect(row.getByTestId('artifact-transcript').innerText()).resolves.toContain(
			'CUSTOMER: The app keeps failing at the ID bit.'
		);
		await expect(row.getByTestId('artifact-transcript').isVisible()).resolves.toBe(true);
		room.close();
	});

	it('replaces a picture with a new version: the board shows the new one, the history both', { timeout: 90_000 }, async () => {
		const { room, page, form } = await curateNewRoom();
		await upload(form, 'hang-tag-2025.png', 'image/png', await png(400, 300, { r: 200, g: 60, b: 60 }));
		await form.getByLabel('Title', { exact: true }).fill('Hang tag');
		await form.getByLabel('Caption', { exact: true }).fill('The tag on every card carrier.');
		await form.getByLabel('Current as of', { exact: true }).fill('2025-09-01');
		await save(form);
		const [before] = await room.byTitle('Hang tag');

		const board = await open(room.roomId, '', 'viewer');
		const boardImage = () => board.getByTestId('board').getByRole('img', { name: 'Hang tag' });
		await expect.poll(async () => boardImage().getAttribute('src')).toBe(`/api/blobs/${before!.file!.thumbBlobId}`);

		const row = page.getByTestId(`artifact-row-${before!.id}`);
		await row.getByRole('button', { name: 'Replace with a new version of Hang tag' }).click();
		const replace = row.getByTestId('artifact-replace');
		await upload(replace, 'hang-tag-2026.png', 'image/png', await png(400, 300, { r: 40, g: 160, b: 80 }));
		await replace.getByLabel('New version current as of').fill('2026-03-01');
		await replace.getByRole('button', { name: 'Save the new version' }).click();

		// The old one now points to the new one; the new one copied its words and place.
		// (Two commands: the new version is added, then the old one pointed at it.)
		const old = async () => (await room.byTitle('Hang tag')).find((a) => a.id === before!.id);
		await expect.poll(async () => (await old())?.replacedBy ?? null).not.toBeNull();
		const versions = await room.byTitle('Hang tag');
		const after = versions.find((a) => a.id !== before!.id)!;
		expect(versions.find((a) => a.id === before!.id)!.replacedBy).toBe(after.id);
		expect(after).toMatchObject({
			replacedBy: null,
			currentAsOf: '2026-03-01',
			caption: 'The tag on every card carrier.',
			stageId: 'apply',
			sensitive: false
		});

		// The board shows only the new version.
		await expect.poll(async () => boardImage().getAttribute('src')).toBe(`/api/blobs/${after.file!.thumbBlobId}`);
		await expect(boardImage().count()).resolves.toBe(1);

		// Here: the new version on top, the earlier one in its history with its date, side by side.
		const current = page.getByTestId(`artifact-row-${after.id}`);
		const history = current.getByTestId('version-history');
		await expect(history.getByTestId(`version-${before!.id}`).innerText()).resolves.toContain('as of 1 Sep 2025');
		await expect(page.getByTestId(`artifact-row-${before!.id}`).count()).resolves.toBe(0);
		await history.getByRole('button', { name: /Compare with the current version/ }).click();
		const compare = history.getByTestId('version-compare');
		const left = compare.getByTestId('compare-before');
		const right = compare.getByTestId('compare-after');
		await expect(left.innerText()).resolves.toMatch(/Before\s+as of 1 Sep 2025/);
		await expect(right.innerText()).resolves.toMatch(/After\s+as of 1 Mar 2026 · current/);
		await expect(left.getByRole('img').getAttribute('src')).resolves.toBe(`/api/blobs/${before!.blobId}`);
		await expect(right.getByRole('img').getAttribute('src')).resolves.toBe(`/api/blobs/${after.blobId}`);
		await expect.poll(() => loaded(left.getByRole('img'))).toBe(true);
		await expect.poll(() => loaded(right.getByRole('img'))).toBe(true);
		const [l, r] = [(await left.boundingBox())!, (await right.boundingBox())!];
		expect(l.x + l.width).toBeLessThanOrEqual(r.x);
		expect(Math.abs(l.y - r.y)).toBeLessThan(2);

		// Removing only the new version puts the one before it back on the board.
		await current.getByRole('button', { name: 'Remove… Hang tag' }).click();
		const dialog = page.getByTestId('artifact-remove-dialog');
		await expect(dialog.getByLabel('Remove only this version').isChecked()).resolves.toBe(true);
		await dialog.getByText('current as of 1 Sep 2025, shows on the board again.', { exact: false }).waitFor();
		await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
		await expect.poll(async () => boardImage().getAttribute('src')).toBe(`/api/blobs/${before!.file!.thumbBlobId}`);
		await page.getByTestId(`artifact-row-${before!.id}`).waitFor();
		expect(await room.byTitle('Hang tag')).toMatchObject([{ id: before!.id, replacedBy: null }]);
		room.close();
	});

	it('keeps a sensitive artifact off corridor screens, and the room’s own screen shows it', { timeout: 90_000 }, async () => {
		const { room, page, form } = await curateNewRoom();
		await upload(form, 'collections-letter.png', 'image/png', await png(200, 280, { r: 230, g: 230, b: 230 }));
		await form.getByLabel('Title', { exact: true }).fill('Collections letter, with a customer’s address');
		await form.getByLabel('Sensitive', { exact: true }).check();
		await save(form);
		const [letter] = await room.byTitle('Collections letter, with a customer’s address');
		expect(letter!.sensitive).toBe(true);
		await expect(page.getByTestId(`artifact-row-${letter!.id}`).getByTestId('sensitive-tag').isVisible()).resolves.toBe(true);

		const { version } = await room.state();
		const corridor = await openPage(browser, server.url, `/rooms/${room.roomId}/wall?mode=corridor`, {
			role: 'viewer',
			name: 'Corridor TV',
			viewport: { width: 1920, height: 1080 },
			waitFor: '[data-testid="wall-connection"][data-state="live"]'
		});
		const roomWall = await openPage(browser, server.url, `/rooms/${room.roomId}/wall`, {
			role: 'viewer',
			name: 'Room TV',
			viewport: { width: 1920, height: 1080 },
			waitFor: '[data-testid="wall-connection"][data-state="live"]'
		});
		opened.push(corridor, roomWall);
		await caughtUp(corridor, version);
		await caughtUp(roomWall, version);
		await roomWall.getByTestId(`wall-artifact-${letter!.id}`).waitFor();
		await expect(corridor.getByTestId(`wall-artifact-${letter!.id}`).count()).resolves.toBe(0);

		// Unflagged from its Edit form: the corridor shows it too.
		const row = page.getByTestId(`artifact-row-${letter!.id}`);
		await row.getByRole('button', { name: /^Edit/ }).click();
		await row.getByTestId('artifact-edit').getByLabel('Sensitive', { exact: true }).uncheck();
		await row.getByRole('button', { name: 'Save changes' }).click();
		await corridor.getByTestId(`wall-artifact-${letter!.id}`).waitFor();
		expect((await room.byTitle('Collections letter, with a customer’s address'))[0]!.sensitive).toBe(false);
		room.close();
	});

	it('adds a link and a note without a file, edits one and removes one after asking', { timeout: 60_000 }, async () => {
		const { room, page, form } = await curateNewRoom();

		await form.getByLabel('Add a link').check();
		await form.getByLabel('Link', { exact: true }).fill('northwind.example/fees');
		await form.getByLabel('Title', { exact: true }).fill('Fees page');
		await form.getByRole('button', { name: 'Save artifact' }).click();
		await form.getByRole('alert').getByText('A link starts with https://, http:// or / (a page on this site).').waitFor();
		await form.getByLabel('Link', { exact: true }).fill('https://northwind.example/fees');
		await form.getByRole('button', { name: 'Save artifact' }).click();
		await form.getByTestId('artifact-added').getByText('Added “Fees page” to Apply.').waitFor();

		await form.getByLabel('Write a note').check();
		await form.getByLabel('Title', { exact: true }).fill('What the branch staff told us');
		await form.getByLabel('Note', { exact: true }).fill('Customers bring the wrong documents twice out of three.');
		await form.getByLabel('Stage', { exact: true }).selectOption({ label: 'Use' });
		await form.getByRole('button', { name: 'Save artifact' }).click();
		await form.getByTestId('artifact-added').getByText('Added “What the branch staff told us” to Use.').waitFor();

		const [link] = await room.byTitle('Fees page');
		const [note] = await room.byTitle('What the branch staff told us');
		expect(link).toMatchObject({ kind: 'link', url: 'https://northwind.example/fees', blobId: null });
		expect(note).toMatchObject({
			kind: 'note',
			url: null,
			blobId: null,
			stageId: 'use',
			caption: 'Customers bring the wrong documents twice out of three.'
		});
		await expect(page.getByTestId(`artifact-row-${link!.id}`).getByTestId('artifact-link').getAttribute('href')).resolves.toBe(
			'https://northwind.example/fees'
		);

		// Edit the note: move it to the other stage's touchpoint, with a date.
		const noteRow = page.getByTestId(`artifact-row-${note!.id}`);
		await noteRow.getByRole('button', { name: 'Edit What the branch staff told us' }).click();
		const edit = noteRow.getByTestId('artifact-edit');
		await edit.getByLabel('Stage', { exact: true }).selectOption({ label: 'Apply' });
		await edit.getByLabel('Touchpoint', { exact: true }).selectOption({ label: 'Online form' });
		await edit.getByLabel('Current as of', { exact: true }).fill('2026-02-14');
		await edit.getByRole('button', { name: 'Save changes' }).click();
		await expect
			.poll(async () => (await room.byTitle('What the branch staff told us'))[0])
			.toMatchObject({ stageId: 'apply', touchpointId: 'form', currentAsOf: '2026-02-14' });
		await page
			.getByTestId('artifact-stage-apply')
			.getByTestId(`artifact-row-${note!.id}`)
			.getByText('current as of 14 Feb 2026', { exact: false })
			.waitFor();

		// Remove the link: a dialog asks first; keeping it changes nothing.
		const linkRow = page.getByTestId(`artifact-row-${link!.id}`);
		await linkRow.getByRole('button', { name: 'Remove… Fees page' }).click();
		const dialog = page.getByTestId('artifact-remove-dialog');
		await dialog.getByRole('button', { name: 'Keep it' }).click();
		expect(await room.byTitle('Fees page')).toHaveLength(1);
		await linkRow.getByRole('button', { name: 'Remove… Fees page' }).click();
		await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
		await linkRow.waitFor({ state: 'detached' });
		expect(await room.byTitle('Fees page')).toHaveLength(0);
		room.close();
	});

	it(
		'lists the demo room’s artifacts by stage and touchpoint, and shows a new version beside the old',
		{ timeout: 90_000 },
		async () => {
			const token = await sessionToken(server.url, 'demo', 'viewer', 'Reader');
			const reader: TestSocket = connect(server.url, {
				transports: ['websocket'],
				forceNew: true,
				reconnection: false,
				auth: { token }
			});
			await new Promise((resolve) => reader.once('connect', () => resolve(null)));
			const joined = await join(reader, 'demo');
			reader.disconnect();
			if (!joined.ok || joined.mode !== 'snapshot') throw new Error('expected a snapshot');
			const demo = joined.state;
			const page = await openCurate('demo');

			// Every stage in the journey's order, each listing exactly the artifacts the board shows under it.
			const stages = page.locator('[data-testid^="artifact-stage-"]');
			await expect(stages.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).resolves.toEqual(
				demo.stageOrder.map((id) => `artifact-stage-${id}`)
			);
			for (const stageId of demo.stageOrder) {
				const expected = Object.values(demo.artifacts)
					.filter((a) => a.stageId === stageId && a.replacedBy === null)
					.map((a) => `artifact-row-${a.id}`);
				const listed = page.getByTestId(`artifact-stage-${stageId}`).locator('[data-testid^="artifact-row-"]');
				await expect(listed.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).resolves.toEqual(
					expect.arrayContaining(expected)
				);
				await expect(listed.count()).resolves.toBe(expected.length);
			}
			// The demo's recorded call plays here, with its transcript beside it.
			const call = page.getByTestId('artifact-row-a-call-stuck-at-id');
			await expect
				.poll(() => call.getByTestId('artifact-audio').evaluate((a: HTMLAudioElement) => a.readyState), { timeout: 15_000 })
				.toBeGreaterThanOrEqual(1);
			await expect(call.getByTestId('artifact-transcript').innerText()).resolves.toContain(
				'AGENT: Thank you for calling Northwind Bank'
			);

			// The card carrier after the fix team's change: a new version, compared with the one before.
			const carrier = page.getByTestId('artifact-row-a-card-carrier');
			await carrier.getByRole('button', { name: /^Replace with a new version/ }).click();
			const replace = carrier.getByTestId('artifact-replace');
			const svg = readFileSync(path.join(STATIC, 'card-carrier.svg'), 'utf8')
				.replace('Your Northwind Debit Card is here', 'Your card is ready to use today')
				.replace(
					'</svg>',
					'<rect x="0" y="200" width="800" height="56" fill="#13A89E"/><text x="60" y="236" font-size="22" fill="#FFFFFF" font-weight="700">Printed the day you open · mailed priority</text></svg>'
				);
			await upload(replace, 'card-carrier-2026.png', 'image/png', await sharp(Buffer.from(svg)).png().toBuffer());
			await replace.getByRole('button', { name: 'Save the new version' }).click();
			const history = page.getByTestId('version-a-card-carrier');
			await history.getByRole('button', { name: /Compare with the current version/ }).click();
			const compare = page.getByTestId('version-compare');
			await expect.poll(() => loaded(compare.getByTestId('compare-before').getByRole('img'))).toBe(true);
			await expect.poll(() => loaded(compare.getByTestId('compare-after').getByRole('img'))).toBe(true);
			if (SCREENSHOTS) {
				// The picture for the docs: a letter on its way in, beside the carrier's before and after.
				const letter = await sharp(readFileSync(path.join(STATIC, 'overdraft-letter.svg')))
					.png()
					.toBuffer();
				await upload(addForm(page), 'overdraft-letter-2026.png', 'image/png', letter);
				await addForm(page)
					.getByLabel('Caption', { exact: true })
					.fill('The new letter: what happened and what to do first, the legal wording after.');
				await page.getByTestId('artifact-stage-onboard').evaluate((el) => el.scrollIntoView({ block: 'start' }));
				await page.screenshot({ path: path.join(SCREENSHOTS, 'curate-artifacts.png') });
			}

			// On a phone: nothing wider than the screen; before and after stack.
			const phone = await openCurate('demo', { width: 360, height: 800 });
			await phone
				.getByTestId('version-a-card-carrier')
				.getByRole('button', { name: /Compare with the current version/ })
				.click();
			const [before, after] = [phone.getByTestId('compare-before'), phone.getByTestId('compare-after')];
			await expect.poll(() => loaded(after.getByRole('img'))).toBe(true);
			expect((await before.boundingBox())!.y).toBeLessThan((await after.boundingBox())!.y);
			await expect(
				phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
			).resolves.toBeLessThanOrEqual(0);
			if (SCREENSHOTS) {
				await phone.getByTestId('artifact-stage-onboard').evaluate((el) => el.scrollIntoView({ block: 'start' }));
				await phone.screenshot({ path: path.join(SCREENSHOTS, 'curate-artifacts-phone.png') });
			}
		}
	);

	it('works by keyboard alone and on a 360 px phone', { timeout: 60_000 }, async () => {
		const { room, page, form } = await curateNewRoom({ width: 360, height: 800 });

		// Nothing wider than the phone.
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);

		// A note, by keyboard only: the mode radios, the fields, then Enter on the save button.
		await form.getByLabel('Upload a file').focus();
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowRight');
		await expect(form.getByLabel('Write a note').isChecked()).resolves.toBe(true);
		await page.keyboard.press('Tab');
		await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(
			await form.getByLabel('Title', { exact: true }).getAttribute('id')
		);
		await page.keyboard.type('Queue at the branch');
		await page.keyboard.press('Tab');
		await page.keyboard.type('Forty minutes on a Saturday.');
		// Every control on the way has a visible focus ring.
		const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
		expect(ring).not.toBe('none');
		await form.getByRole('button', { name: 'Save artifact' }).focus();
		await page.keyboard.press('Enter');
		await form.getByTestId('artifact-added').waitFor();
		expect(await room.byTitle('Queue at the branch')).toMatchObject([{ kind: 'note', caption: 'Forty minutes on a Saturday.' }]);

		const picture = await png(320, 240, { r: 90, g: 90, b: 200 });
		await form.getByLabel('Upload a file').check();
		await upload(form, 'branch-queue.png', 'image/png', picture);
		await form.getByRole('button', { name: 'Save artifact' }).click();
		await form.getByTestId('artifact-added').getByText('Added “branch queue”', { exact: false }).waitFor();
		await expect(
			page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
		).resolves.toBeLessThanOrEqual(0);
		room.close();
	});
});
