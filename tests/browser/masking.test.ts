/**
 * Masking personal data in real Chromium against the real server: the import preview says, per column,
 * what it will mask before anything is stored, and the preview rows show the masks; in Settings a
 * facilitator turns kinds on, and masks what the room already holds after the confirmation says how
 * many texts would change. `SCREENSHOT_DIR=/tmp/x` saves both screens (laptop and phone).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REDACTION, type Command, type RoomState } from '../../src/lib/domain';
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

/** A room with one stage and one category, then `commands`. */
async function newRoom(roomId: string, commands: Command[] = []): Promise<void> {
	const res = await fetch(`${server.url}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId, name: 'Masking room', organisation: 'Northwind Bank' })
	});
	if (!res.ok) throw new Error(`create ${roomId}: ${res.status} ${await res.text()}`);
	const socket = await roomSocket(roomId);
	const base: Command[] = [
		{ type: 'stage.add', stageId: 's-pay', name: 'Pay', customerGoal: 'I want to be charged once.' },
		{
			type: 'complaint.define',
			categoryId: 'c-double',
			stageId: 's-pay',
			touchpointId: null,
			name: 'Charged twice',
			departments: ['Operations']
		}
	];
	for (const command of [...base, ...commands]) {
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

async function open(pathName: string, role: Role, viewport = { width: 1440, height: 900 }): Promise<Page> {
	const page = await openPage(browser, server.url, pathName, { role, name: `A ${role}`, viewport });
	opened.push(page);
	return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `masking-${name}.png`), fullPage: true });
}

describe('masking personal data in Chromium', () => {
	it('the import preview says per column what it will mask, and its rows show the masks', { timeout: 90_000 }, async () => {
		await newRoom('mask-import');
		const page = await open('/rooms/mask-import/curate?tab=imports', 'contributor');
		const file = [
			'When,Issue,Comment',
			'2026-10-01,Charged twice,"Write to jane.doe@example.com or call +44 20 7946 0018 about the double charge of £12.50."',
			'2026-10-02,Charged twice,"My card 4111 1111 1111 1111 was charged twice; mail me at j.doe@example.org."',
			'2026-10-03,Charged twice,"It happened again on 2026-10-03 and nobody answered."'
		].join('\n');
		await page
			.getByTestId('import-file')
			.setInputFiles({ name: 'comments.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
		await page.getByTestId('mapping').waitFor();
		const comment = await page
			.getByTestId('col-text')
			.locator('option', { hasText: /^Comment/ })
			.getAttribute('value');
		await page.getByTestId('col-text').selectOption(comment!);
		await page.getByTestId('preview').click();
		await page.getByTestId('import-report').waitFor();

		const masking = page.getByTestId('import-masking');
		await expect(masking.locator('li').allTextContents()).resolves.toEqual([
			'2 e-mail addresses, 1 phone number, and 1 card number in the "Comment" column will be masked.'
		]);
		await expect(masking.getAttribute('role')).resolves.toBe('note');
		const report = (await page.getByTestId('import-report').textContent()) ?? '';
		expect(report).toContain('[email]');
		expect(report).not.toContain('jane.doe@example.com');
		// Nothing is stored by a preview.
		expect((await roomState('mask-import')).complaints['c-double']!.verbatims).toEqual([]);
		await screenshot(page, 'import-preview');

		await page.getByTestId('import').click();
		await expect
			.poll(async () => (await roomState('mask-import')).complaints['c-double']!.verbatims.length, { timeout: 20_000 })
			.toBe(3);
		const texts = (await roomState('mask-import')).complaints['c-double']!.verbatims.map((v) => v.text);
		expect(texts.join(' ')).not.toMatch(/example\.(com|org)|7946|4111/);
	});

	it(
		'a facilitator turns masking on in Settings, then masks what the room already holds after being told how much changes',
		{ timeout: 90_000 },
		async () => {
			// Stored while masking was off.
			await newRoom('mask-settings', [
				{
					type: 'room.configure',
					patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', redaction: { ...DEFAULT_REDACTION, kinds: [] } } }
				},
				{
					type: 'complaint.quote',
					categoryId: 'c-double',
					verbatim: {
						id: 'q-1',
						text: 'Call me on 020 7946 0018 or mail jane.doe@example.com.',
						date: '2026-10-12',
						channel: 'Phone',
						segment: null
					}
				}
			]);
			const page = await open('/rooms/mask-settings/settings', 'facilitator');
			const panel = page.getByTestId('settings-masking');
			await panel.waitFor();
			for (const label of ['E-mail addresses', 'Phone numbers']) {
				const box = panel.getByRole('checkbox', { name: new RegExp(`^${label}`) });
				expect(await box.isChecked()).toBe(false);
				// By keyboard: focus it, Space ticks it.
				await box.focus();
				await page.keyboard.press('Space');
			}
			await panel.getByLabel('Country of national phone numbers').selectOption({ label: 'United Kingdom' });
			await panel.getByRole('button', { name: 'Save masking settings' }).click();
			await expect.poll(() => panel.getByRole('status').first().textContent(), { timeout: 5_000 }).toContain('Saved.');
			expect((await roomState('mask-settings')).meta!.settings.redaction).toEqual({
				kinds: ['email', 'phone'],
				phoneCountry: 'GB',
				minDigits: 8,
				importFile: 'mapped'
			});

			// Raw uploads kept for two weeks, then deleted by the server.
			await panel.getByLabel('The file as it was uploaded, unmasked, deleted after a number of days').check();
			await panel.getByLabel('Delete the uploaded file after this many days').fill('14');
			await screenshot(page, 'settings-raw-days');
			await panel.getByRole('button', { name: 'Save masking settings' }).click();
			await expect
				.poll(async () => (await roomState('mask-settings')).meta!.settings.redaction, { timeout: 5_000 })
				.toMatchObject({ importFile: 'raw', rawDays: 14 });
			await panel.getByLabel('Only the columns it reads, with customers’ words masked (recommended)').check();
			await panel.getByRole('button', { name: 'Save masking settings' }).click();
			await expect
				.poll(async () => (await roomState('mask-settings')).meta!.settings.redaction?.importFile, { timeout: 5_000 })
				.toBe('mapped');

			await panel.getByRole('button', { name: 'Mask personal data already in the room…' }).click();
			const dialog = page.getByTestId('mask-existing-dialog');
			await expect
				.poll(() => dialog.getByTestId('mask-existing-summary').textContent(), { timeout: 5_000 })
				.toBe('1 stored text would change: 1 e-mail address and 1 phone number will be masked.');
			await screenshot(page, 'settings-confirm');
			// Cancel changes nothing.
			await dialog.getByRole('button', { name: 'Cancel' }).click();
			expect((await roomState('mask-settings')).complaints['c-double']!.verbatims[0]!.text).toContain('jane.doe@example.com');

			await panel.getByRole('button', { name: 'Mask personal data already in the room…' }).click();
			await dialog.getByRole('button', { name: 'Mask them' }).click();
			await expect
				.poll(() => panel.getByTestId('mask-existing').getByRole('status').textContent(), { timeout: 5_000 })
				.toBe('Masked 1 e-mail address and 1 phone number in 1 stored text.');
			expect((await roomState('mask-settings')).complaints['c-double']!.verbatims[0]!.text).toBe(
				'Call me on [phone] or mail [email].'
			);

			const phone = await open('/rooms/mask-settings/settings', 'facilitator', { width: 390, height: 844 });
			await phone.getByTestId('settings-masking').waitFor();
			if (process.env.SCREENSHOT_DIR)
				await phone
					.getByTestId('settings-masking')
					.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'masking-panel-phone.png') });
		}
	);
});
