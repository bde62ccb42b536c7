/**
 * A real SMTP server for a test file (`smtp-server`, messages read back with `mailparser`): a free port on
 * a loopback address, optionally asking for a user name and password, collecting every message it
 * accepts. No STARTTLS is offered (it would need a certificate the client trusts), so a client that
 * insists on TLS is refused, as a real server without TLS would refuse it.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
	/** The envelope: who the client said it sends for, and to whom. */
	envelope: { from: string; to: string[] };
	/** The user name the client signed in with, if any. */
	user: string | null;
	from: string;
	to: string[];
	subject: string;
	text: string;
	html: string;
	parsed: ParsedMail;
}

export interface SmtpTestServer {
	host: string;
	port: number;
	/** `smtp://[user:pass@]host:port`, with the credentials given at start (percent-encoded). */
	url: string;
	/** Every message accepted so far, oldest first. */
	received: ReceivedMail[];
	/** The next message to arrive (or the oldest not yet taken); rejects after `timeoutMs`. */
	nextMessage(timeoutMs?: number): Promise<ReceivedMail>;
	close(): Promise<void>;
}

export interface SmtpTestServerOptions {
	/** Ask for these credentials (AUTH PLAIN/LOGIN over plain text, as a local test allows). */
	credentials?: { user: string; pass: string };
	/** Loopback address to listen on; `127.0.0.1` by default. */
	host?: string;
}

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
	(Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((mailbox) => mailbox.address ?? ''));

/** Starts the server on a free port; `close()` it in afterAll. */
export async function startSmtpServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
	const host = options.host ?? '127.0.0.1';
	const received: ReceivedMail[] = [];
	let taken = 0;
	const waiting: Array<() => void> = [];
	const server = new SMTPServer({
		logger: false,
		hideSTARTTLS: true,
		disabledCommands: ['STARTTLS'],
		authOptional: !options.credentials,
		allowInsecureAuth: true,
		size: 1_048_576,
		onAuth(auth, _session, callback) {
			const ok = options.credentials && auth.username === options.credentials.user && auth.password === options.credentials.pass;
			callback(
				ok ? null : Object.assign(new Error('Invalid user name or password'), { responseCode: 535 }),
				ok ? { user: auth.username } : undefined
			);
		},
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((parsed) => {
					received.push({
						envelope: {
							from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
							to: session.envelope.rcptTo.map((rcpt) => rcpt.address)
						},
						user: typeof session.user === 'string' ? session.user : null,
						from: addresses(parsed.from)[0] ?? '',
						to: addresses(parsed.to),
						subject: parsed.subject ?? '',
						text: parsed.text ?? '',
						html: typeof parsed.html === 'string' ? parsed.html : '',
						parsed
					});
					for (const wake of waiting.splice(0)) wake();
					callback();
				})
				.catch((error: Error) => callback(error));
		}
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, host, () => resolve());
	});
	const port = (server.server.address() as AddressInfo).port;
	const credentials = options.credentials
		? `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.pass)}@`
		: '';
	return {
		host,
		port,
		url: `smtp://${credentials}${host}:${port}`,
		received,
		async nextMessage(timeoutMs = 5_000) {
			const deadline = Date.now() + timeoutMs;
			while (taken >= received.length) {
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`No message arrived at the test SMTP server within ${timeoutMs} ms.`);
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, left);
					waiting.push(() => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
			return received[taken++]!;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
