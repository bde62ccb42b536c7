/**
 * E-mail through a real local SMTP server (tests/support/smtp-server.ts): the invite and the password
 * reset arrive addressed, titled and with their link intact, in both parts; failures say what went wrong
 * without the password or the recipient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, MailError, type Mailer } from '../../server/mail/mailer';
import { inviteMessage, passwordResetMessage } from '../../server/mail/messages';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server';

const credentials = { user: 'room@example.com', pass: 'p@ss:w/rd ü#1' };
const FROM = 'Customer Room <room@example.com>';
const TOKEN = 'Qm9vLXRva2VuLXdpdGgtXy1hbmQtLQ_-0123456789abcdefghijkl';

describe('e-mail through SMTP', () => {
	let smtp: SmtpTestServer;
	let mailer: Mailer;

	beforeAll(async () => {
		smtp = await startSmtpServer({ credentials });
		mailer = createMailer(smtp.url, FROM);
	});
	afterAll(async () => {
		mailer?.close();
		await smtp?.close();
	});

	it('delivers an invite: to the invitee, from MAIL_FROM, signed in, with the link intact in both parts', async () => {
		const link = `https://room.example.com/join#${TOKEN}`;
		const content = inviteMessage({
			inviteeName: 'Ben Ode',
			inviterName: 'Ann Lee',
			roomName: 'Payments <EU> & "Cards"',
			role: 'contributor',
			link,
			expiresAt: new Date('2026-12-14T09:30:00Z')
		});
		await mailer.send({ to: 'ben@example.com', ...content });

		const mail = await smtp.nextMessage();
		expect(mail.envelope).toEqual({ from: 'room@example.com', to: ['ben@example.com'] });
		expect(mail.user).toBe(credentials.user);
		expect(mail.to).toEqual(['ben@example.com']);
		expect(mail.parsed.from?.value).toEqual([{ name: 'Customer Room', address: 'room@example.com' }]);
		expect(mail.subject).toBe('Ann Lee invited you to “Payments <EU> & "Cards"” in Customer Room');
		expect(mail.text).toContain(`Accept the invitation:\n${link}\n`);
		expect(mail.text).toContain('The link works once and expires on 14 December 2026 at 09:30 UTC.');
		expect(mail.html).toContain(`<a href="${link}"`);
		expect(mail.html).toContain('Payments &lt;EU&gt; &amp; &quot;Cards&quot;');
		expect(mail.html).not.toContain('<EU>');
	});

	it('delivers a password reset with its link', async () => {
		const link = `https://room.example.com/reset#${TOKEN}`;
		await mailer.send({
			to: 'ann@example.com',
			...passwordResetMessage(
				{ name: 'Ann Lee', link, expiresAt: new Date('2026-12-07T15:00:00Z') },
				{ timeZone: 'Europe/Berlin' }
			)
		});
		const mail = await smtp.nextMessage();
		expect(mail.to).toEqual(['ann@example.com']);
		expect(mail.subject).toBe('Choose a new password for Customer Room');
		expect(mail.text).toContain(`Choose a new password:\n${link}\n`);
		expect(mail.text).toContain('expires on 7 December 2026 at 16:00 CET.');
		expect(mail.html).toContain(`<a href="${link}"`);
	});

	it('says the credentials were refused, without repeating them or the recipient', async () => {
		const wrong = createMailer(`smtp://${encodeURIComponent(credentials.user)}:not-the-password@${smtp.host}:${smtp.port}`, FROM);
		const before = smtp.received.length;
		const failure = await wrong
			.send({ to: 'ben@example.com', subject: 'x', text: 'x', html: '<p>x</p>' })
			.catch((error: unknown) => error);
		wrong.close();
		expect(failure).toBeInstanceOf(MailError);
		expect(failure).toMatchObject({ code: 'EAUTH', responseCode: 535 });
		expect((failure as Error).message).toBe(
			'The e-mail was not sent: the mail server refused the user name or password in SMTP_URL (EAUTH, reply 535).'
		);
		expect((failure as Error).message).not.toMatch(/not-the-password|ben@example\.com/);
		expect(smtp.received.length).toBe(before);
	});

	it('will not send a password in clear text to a server that is not named as this machine', async () => {
		// 127.0.0.2 reaches this machine too, but is not a name the mailer treats as local: it must insist on TLS.
		const remote = await startSmtpServer({ credentials, host: '127.0.0.2' });
		const strict = createMailer(remote.url, FROM);
		const failure = await strict
			.send({ to: 'ben@example.com', subject: 'x', text: 'x', html: '<p>x</p>' })
			.catch((error: unknown) => error);
		strict.close();
		await remote.close();
		expect(failure).toBeInstanceOf(MailError);
		expect(failure).toMatchObject({ code: 'ETLS' });
		expect((failure as MailError).message).toMatch(
			/^The e-mail was not sent: the secure connection \(TLS\) to the mail server could not be made \(ETLS/
		);
		expect(remote.received).toEqual([]);
	});

	it('says the server could not be reached when nothing listens', async () => {
		const closed = await startSmtpServer();
		await closed.close();
		const nowhere = createMailer(closed.url, FROM);
		const failure = await nowhere
			.send({ to: 'ben@example.com', subject: 'x', text: 'x', html: '<p>x</p>' })
			.catch((error: unknown) => error);
		nowhere.close();
		expect(failure).toMatchObject({ name: 'MailError', code: 'ESOCKET' });
		expect((failure as Error).message).toMatch(/could not be reached/);
	});

	it('without SMTP_URL, sending is refused with a sentence, and nothing is attempted', async () => {
		const off = createMailer(undefined, undefined);
		expect(off.enabled).toBe(false);
		await expect(off.send({ to: 'ben@example.com', subject: 'x', text: 'x', html: '' })).rejects.toMatchObject({
			code: 'ENOTCONFIGURED',
			message: 'E-mail is not set up on this server (SMTP_URL); share the link another way.'
		});
	});
});
