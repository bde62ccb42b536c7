/**
 * Real Chromium for UI tests, driven by playwright-core (the system browser; playwright's own download
 * does not work here). Under CI=true a missing browser fails the run instead of skipping.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium headless; `extraArgs` adds switches (e.g. an `--autoplay-policy=` to test both autoplay rules). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH.`);
	}
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic',
			...extraArgs
		]
	});
}
