/**
 * Action items (issue 20) in real Chromium, several people at once against the real server: the
 * facilitator (an account, on a 1080p desk) makes an action of a decision and one of a fix team's
 * recommendation, each owned by Omar (an account, on a 360x740 phone); both show on the team page and in
 * Omar's "My actions", where he marks one done and the facilitator's desk sees it live; the one past its
 * date opens the next session's review and marks the team's card on the wall, in words, not colour alone.
 * `SCREENSHOT_DIR=/tmp` saves every screen.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain';
import { useBrowserServer } from '../support/browser-server';
import { openPage } from '../support/pages';
import { PASSWORD, becomeAdmin, freshLogin, request, tokenOfLink } from '../support/people';
import { roomClient, waitUntil, type RoomClient } from '../support/room-clients';
import { TEST_ADMIN_TOKEN } from '../support/server-process';

const running = useBrowserServer();
const DESK = { width: 1920, height: 1080 };
const PHONE = { width: 360, height: 740 };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

let fran: string;
let omar: string;
let client: RoomClient;
let teamId: string;
let teamName: string;

async function shot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.screenshot({ path: path.join(dir, `actions-${name}.png`), fullPage: true });
}

beforeAll(async () => {
	const url = running.server.url;
	// Fran: the first admin (an account), facilitator of the demo room; Omar: invited, makes his account.
	const res = await fetch(`${url}/api/admin/setup-link`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
	});
	fran = await becomeAdmin(url, tokenOfLink(((await res.json()) as { link: string }).link), 'Fran Facil');
	expect((await request(url, 'POST', '/api/rooms/demo/takeover', fran)).status).toBe(200);
	const invite = await request(url, 'POST', '/api/rooms/demo/person-invites', fran, { name: 'Omar Owner', role: 'contributor' });
	const accepted = await request(url, 'POST', '/api/invites/accept', null, {
		token: tokenOfLink(invite.body.link as string),
		account: { name: 'Omar Owner', login: freshLogin('omar'), password: PASSWORD }
	});
	omar = accepted.token!;

	client = roomClient(url, 'demo', fran, 'Fran Facil');
	await waitUntil(() => client.store.state !== null, 'the demo room joined');
	const state = client.store.state!;
	if (state.session && !state.session.endedAt) expect((await client.store.send({ type: 'session.end' })).ok).toBe(true);
	const team = Object.values(state.teams).find((t) => t.status !== 'won' && t.status !== 'disbanded')!;
	teamId = team.id;
	teamName = team.name;
	for (const command of [
		{
			type: 'team.post',
			teamId,
			updateId: 'rec-fees',
			kind: 'recommendation',
			text: 'Show every fee before the customer signs.'
		},
		{ type: 'session.start', sessionId: 'december', title: 'December session', agenda: [] },
		{ type: 'session.decide', decisionId: 'dec-fees', text: 'Fees go on the first screen of the application.' }
	] satisfies Command[]) {
		const sent = await client.store.send(command);
		expect(sent.ok, command.type).toBe(true);
	}
}, 60_000);

describe('actions with owners', () => {
	it('the facilitator makes actions of a decision and of a recommendation; both show on the team page', async () => {
		const desk = await openPage(running.browser, running.server.url, '/rooms/demo/facilitate', { token: fran, viewport: DESK });
		const decision = desk.getByTestId('decision-dec-fees');
		await decision.getByRole('button', { name: 'Make an action of this decision' }).click();
		const form = decision.getByTestId('action-form');
		await form.getByLabel('What is to be done').fill('Move the fee table to the first screen.');
		await expect.poll(() => form.getByLabel('Owner').locator('option').allTextContents()).toContain('Omar Owner (contributor)');
		await form.getByLabel('Owner').selectOption({ label: 'Omar Owner (contributor)' });
		// Past its date already: it is overdue at the next session.
		await form.getByLabel('Due').fill(day(-3));
		await form.getByLabel('Kept by the team').selectOption({ label: teamName });
		await shot(desk, 'desk-form-1080p');
		await form.getByRole('button', { name: 'Make the action' }).click();
		const made = decision.locator('[data-testid^="action-"][data-state]');
		await made.waitFor();
		expect(await made.getAttribute('data-state')).toBe('overdue');
		expect(await made.textContent()).toMatch(/Overdue\s*Omar Owner\s*due/);
		await shot(desk, 'desk-1080p');

		const teamPage = await openPage(running.browser, running.server.url, `/rooms/demo/teams/${teamId}`, {
			token: fran,
			viewport: DESK
		});
		const rec = teamPage.getByTestId('recommendation-rec-fees');
		await rec.getByRole('button', { name: 'Make an action of this recommendation' }).click();
		await expect.poll(() => rec.getByLabel('Owner').locator('option').allTextContents()).toContain('Omar Owner (contributor)');
		await rec.getByLabel('Owner').selectOption({ label: 'Omar Owner (contributor)' });
		await rec.getByLabel('Due').fill(day(10));
		await rec.getByRole('button', { name: 'Make the action' }).click();
		const list = teamPage.getByTestId('team-actions');
		await expect.poll(() => list.locator('li[data-state]').count()).toBe(2);
		expect(await list.textContent()).toContain('Move the fee table to the first screen.');
		expect(await list.textContent()).toContain('Show every fee before the customer signs.');
		// The recommendation now says it was made into an action, and offers another rather than the first.
		await rec.getByTestId('recommendation-made').filter({ hasText: 'An action has been made of this recommendation' }).waitFor();
		await rec.getByRole('button', { name: 'Make another action of this recommendation' }).waitFor();
		await decision.getByRole('button', { name: 'Make another action of this decision' }).waitFor();
		await shot(teamPage, 'team-1080p');
		// The activity feed says who was given what.
		await expect
			.poll(() => teamPage.getByTestId('activity-item').first().textContent())
			.toMatch(/made an action owned by Omar Owner/);
		await desk.context().close();
		await teamPage.context().close();
	});

	it('Omar finds both in My actions on his phone and marks one done; the team page sees it live', async () => {
		const teamPage = await openPage(running.browser, running.server.url, `/rooms/demo/teams/${teamId}`, {
			token: fran,
			viewport: DESK
		});
		const phone = await openPage(running.browser, running.server.url, '/', { token: omar, viewport: PHONE, waitFor: null });
		await phone.getByTestId('my-actions-link').click();
		await phone.waitForURL(`${running.server.url}/account/actions`);
		const room = phone.getByTestId('my-actions-demo');
		await expect.poll(() => room.locator('li[data-state]').count()).toBe(2);
		// The overdue one first, saying so in words.
		expect(await room.locator('li[data-state]').first().getAttribute('data-state')).toBe('overdue');
		expect(await room.locator('li[data-state]').first().textContent()).toContain('Overdue');
		await shot(phone, 'my-actions-phone');

		const open = room.locator('li[data-state="open"]');
		await open.getByRole('button', { name: /^Mark done/ }).click();
		await expect.poll(() => room.locator('li[data-state="done"]').count()).toBe(1);
		expect(await room.locator('li[data-state="done"]').textContent()).toContain('Marked done by Omar Owner');
		// Omar cannot hand it out or remove it: those are a facilitator's.
		expect(await room.getByRole('button', { name: /^Edit or reassign/ }).count()).toBe(0);
		await shot(phone, 'my-actions-done-phone');
		await expect.poll(() => teamPage.getByTestId('team-actions').locator('li[data-state="done"]').count()).toBe(1);

		const laptop = await openPage(running.browser, running.server.url, '/account/actions', {
			token: omar,
			viewport: DESK,
			waitFor: '[data-testid="my-actions-demo"]'
		});
		await shot(laptop, 'my-actions-1080p');
		for (const p of [phone, laptop, teamPage]) await p.context().close();
	});

	it('the next session opens with the overdue action, and the team card on the wall says it, large', async () => {
		for (const command of [
			{ type: 'session.end' },
			{ type: 'session.start', sessionId: 'january', title: 'January session', agenda: [] }
		] satisfies Command[]) {
			expect((await client.store.send(command)).ok, command.type).toBe(true);
		}
		const desk = await openPage(running.browser, running.server.url, '/rooms/demo/facilitate', { token: fran, viewport: DESK });
		const overdue = desk.getByTestId('opening-review').getByTestId('overdue-actions');
		await overdue.waitFor();
		expect(await overdue.textContent()).toMatch(/Overdue actions \(1\)/);
		expect(await overdue.textContent()).toContain('Omar Owner: Move the fee table to the first screen.');
		await shot(desk, 'opening-review-1080p');

		const wall = await openPage(running.browser, running.server.url, '/rooms/demo/wall', {
			token: fran,
			viewport: DESK,
			waitFor: `[data-testid="wall-team-${teamId}"]`
		});
		const mark = wall.getByTestId(`wall-team-${teamId}`).getByTestId('wall-team-overdue');
		await mark.waitFor();
		expect((await mark.textContent())?.replace(/\s+/g, ' ').trim()).toBe('! 1 action overdue');
		// Readable from three metres at 1080p: no smaller than the card's other labels.
		const size = await mark.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		expect(size).toBeGreaterThanOrEqual(20);
		await shot(wall, 'wall-1080p');
		const dir = process.env.SCREENSHOT_DIR;
		if (dir) await wall.getByTestId(`wall-team-${teamId}`).screenshot({ path: path.join(dir, 'actions-wall-card-1080p.png') });

		// The minutes of the December session list the actions with owners and dates.
		const minutes = await openPage(running.browser, running.server.url, '/rooms/demo/sessions/december', {
			token: fran,
			viewport: DESK,
			waitFor: '[data-testid="minutes-document"]'
		});
		const table = minutes.getByTestId('minutes-actions');
		expect(await table.textContent()).toContain('Omar Owner');
		expect(await table.textContent()).toContain('Move the fee table to the first screen.');
		await shot(minutes, 'minutes-1080p');
		for (const p of [desk, wall, minutes]) await p.context().close();
	});
});
