/**
 * The wall in Chromium at 4K (3840x2160) with the large room: its JavaScript (every script the page
 * loaded, gzip -9) and its time to a complete render, measured in the page from navigation start until the
 * wall is live (joined, state in hand), its columns are laid out, its fonts are loaded, and two frames have
 * been drawn. Each load is a fresh browser context (empty cache), the browser itself kept warm.
 */
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { pageScriptSize } from '../support/page-scripts';
import { openPage } from '../support/pages';
import type { LargeRoomServer } from './large-room-server';
import { LARGE_ROOM_ID } from './large-room-server';
import type { Section } from './report';
import { fmt, fmtBytes, round, roundSummary, summarize } from './stats';

const LIVE = '[data-testid="wall-connection"][data-state="live"]';

/** ms from navigation start until the wall is complete (see the file comment). */
async function completeAt(page: Page): Promise<number> {
	await page.locator('[data-testid="wall-column"], [data-testid="wall-spotlight"]').first().waitFor();
	return page.evaluate(async () => {
		await document.fonts.ready;
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		return performance.now();
	});
}

export async function renderSection(
	large: LargeRoomServer,
	options: { quick: boolean; log: (m: string) => void }
): Promise<Section> {
	options.log('wall render: large room at 4K');
	const deployment = await large.get();
	const browser = await launchChromium();
	const loads = options.quick ? 3 : 7;
	const times: number[] = [];
	let scripts = { files: 0, gzipBytes: 0 };
	try {
		for (let i = 0; i < loads; i++) {
			const page = await openPage(browser, deployment.urls[0]!, `/rooms/${LARGE_ROOM_ID}/wall`, {
				role: 'viewer',
				name: 'Bench TV',
				viewport: { width: 3840, height: 2160 },
				waitFor: LIVE
			});
			times.push(await completeAt(page));
			if (i === 0) scripts = await pageScriptSize(page);
			await page.context().close();
		}
	} finally {
		await browser.close();
	}
	// The first load also warms the browser and the server's page rendering: reported apart.
	const warm = summarize(times.slice(1));
	const data = {
		viewport: '3840x2160',
		room: LARGE_ROOM_ID,
		scripts,
		firstLoadMs: round(times[0]!, 0),
		loadsMs: times.map((t) => round(t, 0)),
		warm: roundSummary(warm, 0)
	};
	return {
		name: 'render',
		data,
		targets: [],
		tables: [
			{
				title: 'The wall at 4K, large room, Chromium (software rendering)',
				head: ['figure', 'value'],
				rows: [
					['wall JavaScript, gzip -9', `${fmtBytes(scripts.gzipBytes)} (${scripts.files} files)`],
					['complete render, first load', `${fmt(times[0], 0)} ms`],
					[`complete render, next ${times.length - 1} loads p50`, `${fmt(warm.p50, 0)} ms`],
					[`complete render, next ${times.length - 1} loads max`, `${fmt(warm.max, 0)} ms`]
				],
				notes: [
					'from navigation start to: live, columns laid out, fonts loaded, two frames drawn; fresh context (no cache) each load'
				]
			}
		]
	};
}
