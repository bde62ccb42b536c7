/**
 * API keys under Access in real Chromium (issue 18): a facilitator makes a key for the contact-centre
 * platform, sees it once, and that system pushes a KPI value with it; the list shows when the key was last
 * used; revoking (after a confirmation) stops it at once. `SCREENSHOT_DIR=/tmp` saves the screens.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../support/browser-server';
import { openPage } from '../support/pages';

const running = useBrowserServer();

async function screenshot(page: Page, name: string): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (dir) await page.locator('[data-testid="api-keys"]').screenshot({ path: path.join(dir, `api-keys-${name}.png`) });
}

const push = (key: string, kpiId: string) =>
	fetch(`${running.server.url}/api/v1/rooms/demo/kpis/points`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: JSON.stringify({ points: [{ kpiId, date: '2026-11-30', value: 42 }] })
	});

describe('API keys in Chromium', () => {
	it('makes a key shown once, which pushes a KPI value; the list shows its use; revoked, it stops at once', async () => {
		const page = await openPage(running.browser, running.server.url, '/rooms/demo/access', {
			name: 'Fran',
			role: 'facilitator',
			waitFor: '[data-testid="api-keys-empty"]'
		});
		await page.getByTestId('api-key-name').fill('Contact centre platform');
		await page.getByTestId('api-key-make').click();
		const field = page.getByLabel(/The key “Contact centre platform”, shown once/);
		await field.waitFor();
		const key = await field.inputValue();
		expect(key).toMatch(/^cr_[A-Za-z0-9_-]{43}$/);
		await screenshot(page, 'made');

		const state = (await (await page.request.get(`${running.server.url}/api/rooms`)).json()) as unknown;
		expect(state).toBeTruthy();
		const read = await fetch(`${running.server.url}/api/v1/rooms/demo`, { headers: { authorization: `Bearer ${key}` } });
		const room = (await read.json()) as { kpis: Record<string, unknown> };
		const kpiId = Object.keys(room.kpis)[0]!;
		const pushed = await push(key, kpiId);
		expect(pushed.status).toBe(200);
		expect(await pushed.json()).toMatchObject({ accepted: 1 });

		// After a reload, the key itself is never shown again; its last use is.
		await page.reload();
		const row = page.getByTestId('api-key');
		await row.waitFor();
		expect(await row.textContent()).toMatch(/Last used/);
		expect(await page.content()).not.toContain(key);
		await screenshot(page, 'listed');

		await row.getByTestId('api-key-revoke').click();
		await page.getByTestId('api-key-revoke-confirm').click();
		await page.getByTestId('api-keys-notice').waitFor();
		expect((await push(key, kpiId)).status).toBe(401);
		await page.getByTestId('api-keys-empty').waitFor();
	});
});
