/**
 * One way to start the application from its configuration, for production (`index.ts`, with the
 * build's pages) and for `vite dev` (`dev.ts`, on Vite's HTTP server): the same stores, settings,
 * status wiring and demo seeding, so the two cannot drift apart.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createApplication } from './app';
import { openBackends } from './backends';
import type { Config } from './config';
import type { Logger } from './log';
import { seedDemoRoomIfEmpty } from './seed/seed';
import { loadCommonPasswords } from './auth/passwords';
import { createMailer } from './mail/mailer';

export interface StartOptions {
	config: Config;
	log: Logger;
	/** Identifies the deployed build; walls reload when it changes. */
	build: string;
	/** The SvelteKit handler of the production build (absent in dev, where Vite serves pages). */
	pages?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
	/** Attach to an existing server (Vite's in dev) instead of creating one. */
	httpServer?: HttpServer;
}

/** Opens the stores, builds the app and seeds the demo room; `close()` stops the app, then the stores. */
export async function startApplication({ config, log, build, pages, httpServer }: StartOptions) {
	const backend = await openBackends(config, log);
	// The list of common passwords is read once, now, rather than on someone's first sign-up.
	loadCommonPasswords();
	const mailer = createMailer(config.smtpUrl, config.mailFrom);
	if (mailer.destination) log.info({ smtp: mailer.destination }, 'e-mail on: invitations and password resets are e-mailed');
	else log.info({}, 'e-mail off (no SMTP_URL): invitation and reset links are shown to copy');
	const app = createApplication({
		mailer,
		...backend.deps,
		log,
		build,
		pages,
		httpServer,
		snapshotEvery: config.snapshotEvery,
		allowedOrigins: config.allowedOrigins,
		allowedHosts: config.allowedHosts,
		trustProxy: config.trustProxy,
		adminToken: config.adminToken,
		uploadLimit: config.uploadLimit,
		roomStorageLimit: config.roomStorageLimit,
		sso: config.sso,
		localPasswords: config.localPasswords
	});
	backend.onStatus?.(
		(status) => app.setStoreStatus(status),
		() => app.announceStale()
	);
	if (config.seedDemo) await seedDemoRoomIfEmpty(app.engine, log);
	return {
		app,
		backend,
		async close(): Promise<void> {
			await app.close();
			mailer.close();
			await backend.close();
		}
	};
}
