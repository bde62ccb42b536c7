/**
 * The Imports and Export tabs in real Chromium against the real server: the CFPB sample mapped to
 * stages by rules, previewed, imported with its counts reaching another person's board, re-imported
 * with nothing new, next month's settings remembered; backups and CSVs downloaded; the board printed
 * to PDF. `SCREENSHOT_DIR=docs` saves docs/curate-imports.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { TEST_ADMIN_TOKEN, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { slowUplink } from '../support/uplink';

const CFPB = path.resolve(__dirname, '../../../shared/data/cfpb-complaints-sample.csv');

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

async function open(pathname: string, options: Parameters<typeof openPage>[3] = {}): Promise<Page> {
	const page = await openPage(browser, server.url, pathname, options);
	opened.push(page);
	return page;
}

/** The room as the server has it (through the facilitator's CSV export, no socket needed). */
async function roomState(page: Page, roomId: string) {
	const res = await page.request.get(`${server.url}/api/rooms/${roomId}/export/backup.json`);
	return ((await res.json()) as { state: import('../../src/lib/domain').RoomState }).state;
}

describe('the Imports tab', () => {
	it('maps the CFPB sample by rules, previews it, imports it, and a second import adds nothing', async () => {
		const res = await fetch(`${server.url}/api/admin/rooms`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ roomId: 'imp', name: 'Import room', organisation: 'Test Bank' })
		});
		expect(res.ok).toBe(true);
		const page = await open('/rooms/imp/curate?tab=journey', {
			roomId: 'imp',
			role: 'facilitator',
			name: 'Ines',
			viewport: { width: 1440, height: 900 }
		});
		// Two stages, made on the Journey tab the way a curator would.
		for (const name of ['Report a problem', 'Get it fixed']) {
			await page.getByLabel('Stage name').fill(name);
			await page.getByRole('button', { name: 'Add stage' }).click();
			await page.getByText(name, { exact: true }).first().waitFor();
		}
		const board = await open('/rooms/imp', { roomId: 'imp', role: 'viewer', name: 'Vera' });

		await page.getByRole('tab', { name: 'Imports' }).click();
		await page
			.getByTestId('import-file')
			.setInputFiles({ name: 'complaints.csv', mimeType: 'text/csv', buffer: readFileSync(CFPB) });
		await page.getByTestId('mapping').waitFor();
		// The guesses: the date column, and a category column; the curator picks Issue and writes one rule.
		await expect.poll(() => page.getByTestId('col-date').locator('option:checked').textContent()).toMatch(/^Date received/);
		const issue = await page
			.getByTestId('col-category')
			.locator('option', { hasText: /^Issue / })
			.getAttribute('value');
		await page.getByTestId('col-category').selectOption(issue!);
		await page.getByTestId('add-rule').click();
		const rule = page.getByTestId('stage-rule').first();
		await rule.locator('select').first().selectOption({ index: 1 }); // Product
		await rule.locator('select').nth(1).selectOption('contains');
		await rule.locator('input').fill('Debt collection');
		await rule.locator('select').nth(2).selectOption({ label: 'Get it fixed' });
		await page.getByTestId('default-stage').selectOption({ label: 'Go to Report a problem' });

		await page.getByTestId('preview').click();
		await page.getByTestId('import-report').waitFor();
		expect(await page.getByTestId('rows').textContent()).toBe('999');
		expect(await page.getByTestId('added').textContent()).toBe('999');
		if (process.env.SCREENSHOT_DIR)
			await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'curate-imports.png'), fullPage: false });
		await page.getByTestId('import').click();
		await expect
			.poll(() => page.getByTestId('import-message').textContent(), { timeout: 20_000 })
			.toMatch(/^Imported: 999 rows read, 999 added/);

		// Another person's board shows the categories, on the stages the rules chose.
		await expect.poll(() => board.getByText('Attempts to collect debt not owed').count(), { timeout: 10_000 }).toBeGreaterThan(0);
		const state = await roomState(page, 'imp');
		const stageOf = (name: string) => state.stages[Object.values(state.complaints).find((c) => c.name === name)!.stageId]!.name;
		expect(stageOf('Attempts to collect debt not owed')).toBe('Get it fixed');
		expect(stageOf('Incorrect information on your report')).toBe('Report a problem');
		expect(Object.values(state.complaints).reduce((n, c) => n + Object.values(c.counts).reduce((a, b) => a + b, 0), 0)).toBe(999);

		// Next month: the same file again. The settings come back by themselves, and nothing is new.
		await page.getByRole('button', { name: 'Start again' }).click();
		await page
			.getByTestId('import-file')
			.setInputFiles({ name: 'complaints-again.csv', mimeType: 'text/csv', buffer: readFileSync(CFPB) });
		await page.getByTestId('remembered').waitFor();
		expect(await page.getByTestId('stage-rule').locator('input').inputValue()).toBe('Debt collection');
		await page.getByTestId('preview').click();
		await page.getByTestId('import-report').waitFor();
		expect(await page.getByTestId('added').textContent()).toBe('0');
		expect(await page.getByTestId('duplicates').textContent()).toBe('999');
		expect(await page.getByTestId('import').isDisabled()).toBe(true);
		expect(await page.getByTestId('import-history').textContent()).toMatch(/complaints\.csv.*999 added of 999 rows/s);
	}, 120_000);

	it('reports broken rows by line before anything is imported, and refuses a spreadsheet', async () => {
		const page = await open('/rooms/demo/curate?tab=imports', { roomId: 'demo', role: 'contributor', name: 'Cato' });
		const text =
			'When,Issue\n2025-01-05,Card declined\n2025-13-01,Card declined\n,Card declined\n2025-01-07,\n2025-01-08,Card declined\n';
		await page.getByTestId('import-file').setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
		await page.getByTestId('mapping').waitFor();
		await page.getByTestId('preview').click();
		await page.getByTestId('row-errors').waitFor();
		const errors = await page.getByTestId('row-errors').locator('li').allTextContents();
		expect(errors).toEqual([
			'Line 3 "When" "2025-13-01" is not a date written YYYY-MM-DD, a month (YYYY-MM or MM/YYYY) or a week (YYYY-Www)',
			'Line 4 has no date ("When" is empty)',
			'Line 5 has no category ("Issue" is empty)'
		]);
		expect(await page.getByTestId('added').textContent()).toBe('2');

		await page.getByTestId('import-file').setInputFiles({
			name: 'book.xlsx',
			mimeType: 'application/octet-stream',
			buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)])
		});
		await expect
			.poll(() => page.getByTestId('import-error').textContent())
			.toMatch(/this file is a zip archive\. Save it as CSV/);
	});

	it('cancels a slow upload: the bytes stop, nothing is read, and the next file goes through', async () => {
		const page = await open('/rooms/demo/curate?tab=imports', { roomId: 'demo', role: 'contributor', name: 'Cato' });
		const uplink = await slowUplink(page, 20 * 1024);
		await page
			.getByTestId('import-file')
			.setInputFiles({ name: 'last-year.csv', mimeType: 'text/csv', buffer: readFileSync(CFPB) });
		await page.getByTestId('import-progress').waitFor();
		await page.getByRole('button', { name: 'Cancel upload' }).click();
		await expect
			.poll(() => page.getByTestId('import-notice').textContent())
			.toBe('Stopped uploading last-year.csv. Nothing was stored.');
		await expect.poll(() => uplink.aborted).toEqual(['net::ERR_ABORTED']);
		await expect(page.getByTestId('import-progress').count()).resolves.toBe(0);
		await expect(page.getByTestId('mapping').count()).resolves.toBe(0);
		await expect(page.getByTestId('import-error').count()).resolves.toBe(0);
		// Ready for the next pick, the same file included.
		await expect(page.getByTestId('import-file').inputValue()).resolves.toBe('');
		await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('import-file');

		await uplink.restore();
		await page
			.getByTestId('import-file')
			.setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from('When,Issue\n2025-01-05,Card declined\n') });
		await page.getByTestId('mapping').waitFor();
		await expect(page.getByTestId('import-notice').count()).resolves.toBe(0);
	});
});

describe('the Export tab and printing', () => {
	it('downloads a backup, restores it into a new room through the page, and links every CSV', async () => {
		const page = await open('/rooms/demo/curate?tab=export', { roomId: 'demo', role: 'facilitator', name: 'Dana' });
		await page.getByTestId('export-panel').waitFor();
		// How much of its quota the room's files take, in words and numbers.
		await expect
			.poll(() => page.getByTestId('storage-use').innerText())
			.toMatch(/This room's files take [\d.,]+ [kM]B of the 1,024 MB it may keep \(\d+% used\)\./);
		expect(await page.getByRole('meter', { name: 'Storage used' }).count()).toBe(1);
		if (process.env.SCREENSHOT_DIR)
			await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'curate-export.png'), fullPage: true });
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-link').click()]);
		expect(download.suggestedFilename()).toMatch(/^demo-backup-\d{4}-\d{2}-\d{2}\.json$/);
		const file = await download.path();
		const backup = readFileSync(file);
		expect(JSON.parse(backup.toString('utf8'))).toMatchObject({ format: 'customer-room-backup', room: { id: 'demo' } });

		await page.getByTestId('restore-file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: backup });
		await page.getByTestId('restore-done').waitFor({ timeout: 20_000 });
		const href = await page.getByTestId('restore-done').locator('a').getAttribute('href');
		// The copy's address is made from its name, as any new room's (the original keeps its own).
		expect(href).toMatch(/^\/rooms\/northwind-bank-customer-room(-\d+)?$/);
		await page.getByTestId('restore-done').locator('a').click();
		await page.getByTestId('board').waitFor();
		const original = await roomState(page, 'demo');
		const copy = await roomState(page, href!.split('/').pop()!);
		expect(copy.stageOrder.map((id) => copy.stages[id]!.name)).toEqual(
			original.stageOrder.map((id) => original.stages[id]!.name)
		);
		expect(Object.keys(copy.complaints).sort()).toEqual(Object.keys(original.complaints).sort());

		await page.goto(`${server.url}/rooms/demo/curate?tab=export`);
		await page.getByTestId('csv-links').waitFor();
		const links = await page
			.getByTestId('csv-links')
			.locator('a')
			.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
		expect(links).toHaveLength(9);
		for (const link of links) expect((await page.request.get(`${server.url}${link}`)).status()).toBe(200);

		// A contributor sees no backup and no restore.
		const contributor = await open('/rooms/demo/curate?tab=export', { roomId: 'demo', role: 'contributor', name: 'Cato' });
		await contributor.getByTestId('export-panel').waitFor();
		expect(await contributor.getByTestId('backup-link').count()).toBe(0);
		expect(await contributor.getByTestId('restore-file').count()).toBe(0);
	}, 60_000);

	it('prints the board black on white, one stage per page, without navigation or buttons', async () => {
		const page = await open('/rooms/demo', {
			roomId: 'demo',
			role: 'facilitator',
			name: 'Dana',
			viewport: { width: 1440, height: 900 }
		});
		await page.getByTestId('board').waitFor();
		await page.emulateMedia({ media: 'print' });
		const looks = await page.evaluate(() => ({
			background: getComputedStyle(document.body).backgroundColor,
			text: getComputedStyle(document.body).color,
			nav: getComputedStyle(document.querySelector('nav.pages')!).display,
			buttons: [...document.querySelectorAll('button')].filter((b) => getComputedStyle(b).display !== 'none').length
		}));
		expect(looks).toEqual({ background: 'rgb(255, 255, 255)', text: 'rgb(0, 0, 0)', nav: 'none', buttons: 0 });
		if (process.env.SCREENSHOT_DIR)
			await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'board-print.png'), fullPage: false });
		const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
		if (process.env.SCREENSHOT_DIR)
			await import('node:fs/promises').then((fs) => fs.writeFile(path.join(process.env.SCREENSHOT_DIR!, 'board.pdf'), pdf));
		const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
		const stages = (await roomState(page, 'demo')).stageOrder.length;
		// Every stage starts a page of its own; a long stage runs over onto more.
		expect(pages).toBeGreaterThanOrEqual(stages);
		expect(pages).toBeLessThanOrEqual(stages * 5);
	}, 60_000);
});
