// Taking part from one's own device (issue 20) in real Chromium against the real server (demo room): a
// facilitator at the desk, three attendees on phones (360x740) and the room's wall, each in its own
// browser context. Check in from the wall's link, follow the facilitator, vote with the counts hidden
// everywhere, reveal, see the ranking on the wall, and charter a fix team from the top items.
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../support/browser-server';
import { openPage } from '../support/pages';

const ctx = useBrowserServer();
const SHOTS = 'test-results/take-part';
const PHONE = { width: 360, height: 740 };

const phone = (name: string, role: 'viewer' | 'contributor', path: string) =>
	openPage(ctx.browser, ctx.server.url, path, { name, role, roomId: 'demo', viewport: PHONE });
const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });

describe('checking in, following and voting from phones', () => {
	it(
		'three phones check in from the wall’s link, follow the desk, vote unseen, and the wall ranks the reveal',
		{ timeout: 180_000 },
		async () => {
			await mkdir(SHOTS, { recursive: true });
			const desk = await openPage(ctx.browser, ctx.server.url, '/rooms/demo/facilitate', {
				name: 'Fiona Facilitator',
				role: 'facilitator',
				viewport: { width: 1920, height: 1080 }
			});
			const wall = await openPage(ctx.browser, ctx.server.url, '/rooms/demo/wall', {
				name: 'Boardroom TV',
				role: 'viewer',
				viewport: { width: 1920, height: 1080 },
				waitFor: '[data-testid="wall-connection"][data-state="live"]'
			});
			await desk.getByRole('button', { name: 'Start session' }).click();
			await desk.locator('[data-testid="agenda-renew-leave"]').click();
			await desk.locator('[data-testid="stage-focus"][data-stage-id="renew-leave"]').waitFor();

			// The wall shows where to check in: a short link and its QR code.
			const link = (await wall.getByTestId('wall-check-in-link').textContent())!.trim();
			expect(link).toMatch(/\/in\/demo$/);
			await wall.locator('[data-testid="wall-check-in-qr"] svg').waitFor();

			// Three attendees open the link on their phones (a viewer, like most leaders, and contributors).
			const people = [
				['Vera Viewer', 'viewer'],
				['Cole Contributor', 'contributor'],
				['Dana Director', 'viewer']
			] as const;
			const phones: Page[] = [];
			for (const [name, role] of people) {
				const page = await phone(name, role, '/in/demo');
				await page.waitForURL(/\/rooms\/demo\/check-in$/);
				await page.getByTestId('check-in').click();
				await page.getByTestId('checked-in').waitFor();
				phones.push(page);
			}
			const [vera, cole, dana] = phones as [Page, Page, Page];
			await shot(vera, 'phone-checked-in');
			await wall.getByTestId('wall-checked-in').filter({ hasText: '3 people have checked in.' }).waitFor();
			// Attendance comes from the check-ins.
			for (const [name] of people) await desk.getByTestId('attendees-panel').getByText(name).first().waitFor();

			// Following: each phone is on the facilitator's stage; Vera browses away and comes back in one click.
			for (const page of phones) await page.locator('[data-testid="followed-stage"][data-stage-id="renew-leave"]').waitFor();
			const other = await vera.getByTestId('browse').locator('option').nth(1).getAttribute('value');
			await vera.getByTestId('browse').selectOption(other!);
			await vera.locator(`[data-testid="followed-stage"][data-stage-id="${other}"]`).waitFor();
			await vera.getByTestId('follow').click();
			await vera.locator('[data-testid="followed-stage"][data-stage-id="renew-leave"]').waitFor();
			await vera.getByTestId('following').waitFor();

			// The facilitator opens a vote on this stage's let-downs: 3 votes each, several on one allowed.
			await desk.getByTestId('vote-panel').getByLabel('Several votes on one item').check();
			await desk.getByTestId('open-vote').click();
			await desk.getByTestId('vote-open').waitFor();
			for (const page of phones) await page.getByTestId('ballot').waitFor();
			const items = await vera.getByTestId('ballot-item').count();
			expect(items).toBeGreaterThanOrEqual(2);
			const itemName = async (page: Page, i: number) =>
				(await page.getByTestId('ballot-item').nth(i).locator('.label').textContent())!.trim();
			const second = await itemName(vera, 1);
			const first = await itemName(vera, 0);
			// Vera and Cole put all three on the second item; Dana two on the first, one on the second.
			const give = async (page: Page, i: number, n: number) => {
				const name = await itemName(page, i);
				for (let k = 0; k < n; k++) await page.getByRole('button', { name: `Give a vote to ${name}` }).click();
			};
			await give(vera, 1, 3);
			await shot(vera, 'phone-ballot');
			await vera.getByTestId('cast-ballot').click();
			await give(cole, 1, 3);
			await cole.getByTestId('cast-ballot').click();
			await give(dana, 0, 2);
			await give(dana, 1, 1);
			await dana.getByTestId('cast-ballot').click();
			for (const page of phones) await page.getByTestId('ballot-in').waitFor();

			// Hidden: the turnout shows everywhere, the counts nowhere (not the desk, not the wall, not a phone).
			await desk.getByTestId('vote-open').filter({ hasText: '3 of 3 checked-in people have voted.' }).waitFor();
			await wall.getByTestId('wall-vote-open').filter({ hasText: '3 of 3' }).waitFor();
			await shot(wall, 'wall-vote-open');
			await shot(desk, 'desk-vote-open');
			for (const page of [desk, wall, ...phones]) expect(await page.getByTestId('vote-results').count()).toBe(0);

			// Revealed: ranked on the wall, the desk and every phone.
			await desk.getByTestId('reveal-vote').click();
			const ranking = wall.getByTestId('wall-vote-results');
			await ranking.waitFor();
			const rows = ranking.getByTestId('vote-result');
			await expect.poll(() => rows.first().textContent()).toContain(second);
			expect(await rows.first().getAttribute('data-votes')).toBe('7');
			expect(await rows.nth(1).textContent()).toContain(first);
			expect(await rows.nth(1).getAttribute('data-votes')).toBe('2');
			// Readable from three metres: the ranking's type is large on a 1080p wall.
			const size = await rows.first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
			expect(size).toBeGreaterThanOrEqual(30);
			await shot(wall, 'wall-vote-results');
			await vera.getByTestId('vote-results').waitFor();
			await shot(vera, 'phone-results');
			await desk.getByTestId('vote-panel').getByTestId('vote-results').waitFor();
			await shot(desk, 'desk-vote-results');

			// The top items go on to a fix team's charter, linked as its evidence.
			await desk.getByTestId('charter-top').click();
			const dialog = desk.locator('[data-testid="charter-dialog"]');
			await dialog.waitFor();
			expect(await dialog.getByLabel('Team name').inputValue()).toBe(`Fix: ${second}`);
			await expect.poll(() => dialog.getByRole('checkbox', { name: second }).isChecked()).toBe(true);
			await shot(desk, 'desk-charter-from-vote');
			await desk.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });

			// A vote opened by mistake is cancelled after a confirmation: its ballot is discarded unseen, and
			// the ballot leaves every phone and the wall.
			await desk.getByTestId('open-vote').click();
			await desk.getByTestId('vote-open').waitFor();
			await vera.getByTestId('ballot').waitFor();
			await give(vera, 0, 1);
			await vera.getByTestId('cast-ballot').click();
			await desk.getByTestId('vote-open').filter({ hasText: '1 of 3' }).waitFor();
			await wall.getByTestId('wall-vote-open').waitFor();
			await desk.getByTestId('cancel-vote').click();
			const confirm = desk.getByTestId('cancel-vote-dialog');
			await confirm.getByText('One ballot has been cast.').waitFor();
			await shot(desk, 'desk-cancel-vote');
			await confirm.getByTestId('confirm-cancel-vote').click();
			await desk.getByTestId('vote-open').waitFor({ state: 'detached' });
			await wall.getByTestId('wall-vote-open').waitFor({ state: 'detached' });
			for (const page of phones) await page.getByTestId('ballot').waitFor({ state: 'detached' });
			await desk.getByTestId('open-vote').waitFor();

			await Promise.all([desk, wall, ...phones].map((p) => p.context().close()));
		}
	);
});
