/**
 * The Webhooks panel on a room's Access page, in real Chromium against the real server (a child process,
 * demo room seeded) and a real local receiver: a facilitator adds a Slack endpoint, sees its secret once,
 * sends a test, reads the delivery log, sends a failed message again, renews the secret and pauses the
 * endpoint. `SCREENSHOT_DIR=/tmp` also saves what the panel looks like.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openPage } from '../support/pages';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

let server: ServerProcess;
let browser: Browser;
let receiver: WebhookReceiver;
let cleanup: () => Promise<void>;

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	server = await startServerProcess(tmp.dir, { SEED_DEMO: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' });
	browser = await launchChromium();
	// The first message fails (a receiver having a bad moment); every later one is taken.
	receiver = await startWebhookReceiver((_r, i) => (i === 0 ? { status: 500, body: 'receiver busy' } : { status: 200 }));
});

afterAll(async () => {
	await browser?.close();
	server?.child.kill('SIGKILL');
	await server?.exited;
	await receiver?.close();
	await cleanup?.();
});

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.locator('[data-testid="webhooks"]').screenshot({ path: path.join(dir, `webhooks-${name}.png`) });
}

/**
 * Resolves once the server's delivery log of the room's endpoint has a message with `outcome`. The server
 * records the receiver's answer a moment after the receiver has it, and the panel's log shows what was
 * recorded when it was opened: opened in between (a loaded machine), it would wait for a row never coming.
 */
async function recorded(page: Page, outcome: 'delivered' | 'failed'): Promise<void> {
	await expect
		.poll(() =>
			page.evaluate(async (outcome) => {
				const base = '/api/rooms/demo/webhooks';
				const { endpoints } = (await (await fetch(base)).json()) as { endpoints: { id: string }[] };
				const log = await fetch(`${base}/${encodeURIComponent(endpoints[0]!.id)}/deliveries`);
				const { deliveries } = (await log.json()) as { deliveries: { outcome: string }[] };
				return deliveries.some((d) => d.outcome === outcome);
			}, outcome)
		)
		.toBe(true);
}

describe('webhooks panel in Chromium', () => {
	it('adds a Slack endpoint, shows its secret once, logs a failed test, sends it again, renews the secret and pauses', async () => {
		const page = await openPage(browser, server.url, '/rooms/demo/access', {
			name: 'Fran',
			role: 'facilitator',
			waitFor: '[data-testid="webhooks"]'
		});
		await page.setViewportSize({ width: 1280, height: 900 });
		const panel = page.locator('[data-testid="webhooks"]');
		await panel.getByLabel('Address').fill(`${receiver.url}/slack`);
		await panel.getByLabel('Shape of the message').selectOption('slack');
		await panel.getByLabel('A session starts').check();
		await screenshot(page, 'form');
		await panel.getByRole('button', { name: 'Add the endpoint' }).click();

		const secretField = panel.getByLabel('The signing secret, shown once');
		await secretField.waitFor();
		const secret = await secretField.inputValue();
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
		const row = panel.locator('[data-testid="webhook-endpoint"]');
		await expect.poll(() => row.count()).toBe(1);
		expect(await row.getAttribute('data-status')).toBe('active');
		await expect.poll(() => row.textContent()).toContain('Slack incoming webhook');

		// A test message: the receiver is busy the first time, and the log says so.
		await row.getByRole('button', { name: /^Send a test/ }).click();
		await receiver.waitFor(1);
		await recorded(page, 'failed');
		await row.getByRole('button', { name: 'Show the delivery log' }).click();
		const failed = row.locator('[data-testid="webhook-delivery"][data-outcome="failed"]');
		await failed.waitFor();
		expect(await failed.textContent()).toContain('receiver busy');
		await screenshot(page, 'failed');

		// Send again: the receiver takes it, and the log shows it delivered.
		await failed.getByRole('button', { name: /^Send again/ }).click();
		await receiver.waitFor(2);
		expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
		expect(JSON.parse(receiver.received[1]!.body)).toEqual({
			text: expect.stringContaining('Test message from the Customer Room')
		});
		await recorded(page, 'delivered');
		await row.getByRole('button', { name: 'Hide the delivery log' }).click();
		await row.getByRole('button', { name: 'Show the delivery log' }).click();
		await row.locator('[data-testid="webhook-delivery"][data-outcome="delivered"]').waitFor();
		await screenshot(page, 'delivered');

		// A new secret: shown once, different; the old one still signs for a day.
		await row.getByRole('button', { name: 'New secret' }).click();
		await expect.poll(() => secretField.inputValue()).not.toBe(secret);
		await expect.poll(() => row.textContent()).toContain('The previous secret also signs until');

		// Paused by hand: the row says so, in words and a sign.
		await row.getByRole('button', { name: 'Pause' }).click();
		await expect.poll(() => row.getAttribute('data-status')).toBe('paused');
		expect(await row.locator('[data-testid="webhook-status"]').textContent()).toContain('Paused. A facilitator paused it.');
		await screenshot(page, 'paused');

		// Keyboard: every control of the panel is reachable with Tab.
		await panel.getByLabel('Address').focus();
		const reached = new Set<string>();
		for (let i = 0; i < 30; i++) {
			await page.keyboard.press('Tab');
			reached.add(
				await page.evaluate(
					() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent ?? ''
				)
			);
		}
		// (Send a test is disabled while the endpoint is paused.)
		for (const id of [
			'webhook-preset',
			'webhook-add-submit',
			'webhook-log-toggle',
			'webhook-rotate',
			'webhook-toggle',
			'webhook-delete'
		])
			expect(reached, id).toContain(id);
	}, 90_000);
});
