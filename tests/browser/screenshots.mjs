/**
 * Screenshots of the first pages, and a smoke run of the two board edits (assess, add verbatim).
 * Not a test: a helper for looking at the pages while building them.
 *
 *   BASE=http://127.0.0.1:3999 OUT=/tmp node tests/browser/screenshots.mjs [roomId]
 */
import { chromium } from 'playwright-core';

const base = process.env.BASE ?? 'http://127.0.0.1:3999';
const out = process.env.OUT ?? '/tmp';
const roomId = process.argv[2] ?? 'demo';
const width = Number(process.env.WIDTH ?? 1440);
const height = Number(process.env.HEIGHT ?? 900);

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run'
	]
});
try {
	const page = await browser.newPage({ viewport: { width, height } });
	page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && console.log(`[console.${m.type()}] ${m.text()}`));
	page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));

	await page.goto(`${base}/`);
	await page.waitForSelector('h1');
	await page.waitForLoadState('networkidle');
	await page.screenshot({ path: `${out}/cr-home.png` });
	console.log(`home: ${out}/cr-home.png`);

	await page.goto(`${base}/rooms/${roomId}`);
	const live = '[data-testid="connection-status"][data-state="live"]';
	await page.waitForSelector(live);
	await page.waitForSelector('[data-testid="stage-column"]');
	await page.waitForTimeout(500);
	await page.screenshot({ path: `${out}/cr-room.png` });
	console.log(`room: ${out}/cr-room.png`);

	if (await page.isVisible('[data-testid="name-prompt"]')) {
		await page.getByLabel('Your name (shown on your changes)').fill('Screenshot Bot');
		await page.getByRole('button', { name: 'Save' }).click();
		await page.waitForSelector(live);
		console.log('name saved');
	}

	const version = async () => Number(await page.getAttribute('[data-testid="board"]', 'data-version'));
	const v0 = await version();

	// Assess the first touchpoint to a different level.
	const tp = page.locator('[data-testid^="touchpoint-"]').first();
	const before = await tp.getAttribute('data-maturity');
	const next = before === 'reliable' ? 'differentiating' : 'reliable';
	await tp.locator('summary').click();
	await tp.getByLabel('Maturity').selectOption(next);
	await tp.getByLabel('Evidence').fill('Checked 20 orders from the screenshot run');
	await tp.getByRole('button', { name: 'Save assessment' }).click();
	await page.waitForFunction(
		([id, m]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-maturity') === m,
		[await tp.getAttribute('data-testid'), next]
	);
	console.log(`assess: ${before} -> ${next}`);

	// Add a verbatim to the first complaint category.
	const complaint = page.locator('[data-testid^="complaint-"]').first();
	const words = `The parcel arrived in pieces (${Date.now()})`;
	await complaint.locator('summary').click();
	await complaint.getByLabel("The customer's words").fill(words);
	await complaint.getByRole('button', { name: 'Add verbatim' }).click();
	await complaint.locator('[data-testid="newest-verbatim"]', { hasText: words }).waitFor();
	console.log('verbatim: shown as newest');
	await page.waitForTimeout(300);
	await page.screenshot({ path: `${out}/cr-room-after-edits.png` });

	// Assessing to the same level is refused: the form shows why.
	await tp.locator('summary').click();
	await tp.getByLabel('Maturity').selectOption(next);
	await tp.getByRole('button', { name: 'Save assessment' }).click();
	const alert = tp.getByRole('alert');
	await alert.waitFor();
	console.log(`conflict message: ${await alert.textContent()}`);
	await page.screenshot({ path: `${out}/cr-room-error.png` });

	console.log(`version ${v0} -> ${await version()}`);
} finally {
	await browser.close();
}
