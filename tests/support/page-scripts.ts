/**
 * The JavaScript a page loaded (entry, route, shared chunks), gzipped at level 9 as a server would send it.
 * Used by the wall's browser test and the wall render benchmark.
 */
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';

export async function pageScriptSize(page: Page): Promise<{ files: number; gzipBytes: number }> {
	const scripts = await page.evaluate(() =>
		[...new Set(performance.getEntriesByType('resource').map((e) => e.name))].filter((u) => /\.js(\?|$)/.test(u))
	);
	const sizes = await Promise.all(
		scripts.map(async (url) => gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer()), { level: 9 }).length)
	);
	return { files: scripts.length, gzipBytes: sizes.reduce((a, b) => a + b, 0) };
}
