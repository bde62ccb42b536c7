/**
 * Sending e-mail (invites, password resets) through the SMTP server named by SMTP_URL, with nodemailer.
 *
 * - Without SMTP_URL the mailer is disabled (`enabled: false`): the caller shows the link to copy instead.
 * - Credentials travel in the URL (`smtps://user:password@host:465`) and never leave this module: errors
 *   carry nodemailer's code and the server's reply code, never the URL, the recipient or the message.
 * - `smtp://` to a host other than this machine insists on STARTTLS (`requireTLS`), so a password is
 *   never sent in clear text over a network; `?requireTLS=false` in the URL turns that off knowingly.
 * - Short timeouts: a mail server that does not answer fails the send in seconds, not minutes.
 */
import nodemailer from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer';

export interface OutgoingMail {
	to: string;
	subject: string;
	/** The plain-text part, for every mail client. */
	text: string;
	/** The HTML part: every interpolated value escaped (see messages.ts). */
	html: string;
}

export interface Mailer {
	/** Whether e-mail can be sent (SMTP_URL is set); when false, show the link instead. */
	enabled: boolean;
	/** Where mail goes, for the start-up log: `smtps://smtp.example.com:465`, no credentials; null when disabled. */
	destination: string | null;
	/** Sends one message; rejects with `MailError` when it is not configured or the server refuses. */
	send(mail: OutgoingMail): Promise<void>;
	/** Closes the transport's connections. */
	close(): void;
}

/** Why a message was not sent, without the URL, the recipient or the message. */
export class MailError extends Error {
	constructor(
		message: string,
		/** nodemailer's code (`EAUTH`, `ECONNECTION`, `ETIMEDOUT`, `EENVELOPE`, …), or `ENOTCONFIGURED`. */
		readonly code: string,
		/** The SMTP server's reply code, when it answered with a refusal. */
		readonly responseCode?: number
	) {
		super(message);
		this.name = 'MailError';
	}
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** The SMTP URL's protocol, host and port, for logs: no user name, password or options. */
function destinationOf(url: URL): string {
	const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
	return `${url.protocol}//${url.hostname}:${port}`;
}

/** A sentence for the log and the caller, from a nodemailer failure, that carries nothing secret. */
function safeFailure(error: unknown): MailError {
	const { code, responseCode } = (typeof error === 'object' && error !== null ? error : {}) as {
		code?: unknown;
		responseCode?: unknown;
	};
	const reply = typeof responseCode === 'number' ? responseCode : undefined;
	const known = typeof code === 'string' ? code : 'EUNKNOWN';
	const reason: Record<string, string> = {
		EAUTH: 'the mail server refused the user name or password in SMTP_URL',
		ECONNECTION: 'the mail server could not be reached or closed the connection',
		ESOCKET: 'the mail server could not be reached or the connection failed',
		ETIMEDOUT: 'the mail server did not answer in time',
		EDNS: 'the mail server’s host name could not be resolved',
		ETLS: 'the secure connection (TLS) to the mail server could not be made',
		EENVELOPE: 'the mail server refused the sender or the recipient',
		EMESSAGE: 'the mail server refused the message'
	};
	const why = reason[known] ?? 'the mail server refused it';
	return new MailError(`The e-mail was not sent: ${why} (${known}${reply ? `, reply ${reply}` : ''}).`, known, reply);
}

/**
 * A mailer for `smtpUrl` (SMTP_URL) sending as `from` (MAIL_FROM); disabled when `smtpUrl` is undefined.
 * Both are expected to have passed `loadConfig`; a malformed URL throws here without repeating it.
 */
export function createMailer(smtpUrl: string | undefined, from: string | undefined): Mailer {
	if (!smtpUrl) {
		return {
			enabled: false,
			destination: null,
			send: () =>
				Promise.reject(
					new MailError('E-mail is not set up on this server (SMTP_URL); share the link another way.', 'ENOTCONFIGURED')
				),
			close() {}
		};
	}
	if (!from)
		throw new Error('MAIL_FROM is needed to send e-mail: set it to the sender, such as Customer Room <room@example.com>.');
	let url: URL;
	try {
		url = new URL(smtpUrl);
	} catch {
		throw new Error(
			'SMTP_URL is not a URL: write it as smtps://user:password@smtp.example.com:465 or smtp://smtp.example.com:587.'
		);
	}
	const options: SMTPTransportOptions = {
		url: smtpUrl,
		requireTLS: url.protocol === 'smtp:' && !LOOPBACK.has(url.hostname),
		connectionTimeout: 10_000,
		greetingTimeout: 10_000,
		socketTimeout: 30_000,
		// nodemailer logs nothing unless asked; say so, since its debug output holds credentials and bodies.
		logger: false,
		debug: false
	};
	const transport = nodemailer.createTransport(options, { from });
	return {
		enabled: true,
		destination: destinationOf(url),
		async send({ to, subject, text, html }) {
			try {
				await transport.sendMail({ to, subject, text, html });
			} catch (error) {
				throw safeFailure(error);
			}
		},
		close: () => transport.close()
	};
}
