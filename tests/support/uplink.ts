/**
 * A slow uplink for one page (Chromium's network emulation through CDP), so an upload's progress can be
 * watched and cancelled, and the uploads the page gave up on (`aborted`: Chromium's error text for each).
 */
import type { Page } from 'playwright-core';

export async function slowUplink(page: Page, bytesPerSecond: number) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	const set = (uploadThroughput: number) =>
		cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput });
	await set(bytesPerSecond);
	const aborted: string[] = [];
	page.on('requestfailed', (request) => {
		if (request.url().includes('/uploads')) aborted.push(request.failure()?.errorText ?? '');
	});
	return {
		aborted,
		/** Back to full speed. */
		restore: () => set(-1)
	};
}
