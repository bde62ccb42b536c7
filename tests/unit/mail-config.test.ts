/** SMTP_URL and MAIL_FROM: e-mail is off unless set, and a bad value is refused without repeating a password. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { createMailer } from '../../server/mail/mailer';

describe('SMTP_URL and MAIL_FROM', () => {
	it('leaves e-mail off when SMTP_URL is not set or empty', () => {
		expect(loadConfig({})).toMatchObject({ smtpUrl: undefined, mailFrom: undefined });
		expect(loadConfig({ SMTP_URL: '', MAIL_FROM: '' })).toMatchObject({ smtpUrl: undefined, mailFrom: undefined });
		expect(createMailer(undefined, undefined)).toMatchObject({ enabled: false, destination: null });
	});

	it('accepts smtp:// and smtps:// with credentials, and a sender with or without a name', () => {
		const config = loadConfig({
			SMTP_URL: 'smtps://room%40example.com:s3cr%3At@smtp.example.com:465',
			MAIL_FROM: 'Customer Room <room@example.com>'
		});
		expect(config).toMatchObject({
			smtpUrl: 'smtps://room%40example.com:s3cr%3At@smtp.example.com:465',
			mailFrom: 'Customer Room <room@example.com>'
		});
		expect(loadConfig({ SMTP_URL: 'smtp://relay.internal:25', MAIL_FROM: 'room@example.com' }).mailFrom).toBe('room@example.com');
	});

	it('refuses another protocol or no host, without repeating the URL', () => {
		for (const bad of ['https://user:hunter2secret@mail.example.com', 'smtp://', 'user:hunter2secret@mail.example.com']) {
			let message = '';
			try {
				loadConfig({ SMTP_URL: bad, MAIL_FROM: 'room@example.com' });
			} catch (error) {
				message = (error as Error).message;
			}
			expect(message).toMatch(/SMTP_URL is not an SMTP address: write it as smtps:\/\/user:password@smtp\.example\.com:465/);
			expect(message).not.toContain('hunter2secret');
		}
	});

	it('needs MAIL_FROM when SMTP_URL is set, and refuses a sender that is not one address', () => {
		expect(() => loadConfig({ SMTP_URL: 'smtp://relay.internal:25' })).toThrow(
			/MAIL_FROM: SMTP_URL is set, so e-mail needs a sender/
		);
		for (const bad of ['Customer Room', 'a@example.com, b@example.com', 'room at example.com']) {
			expect(() => loadConfig({ SMTP_URL: 'smtp://relay.internal:25', MAIL_FROM: bad }), bad).toThrow(
				/MAIL_FROM is not one e-mail address/
			);
		}
	});

	it('names where mail goes for the start-up log, without the credentials', () => {
		const mailer = createMailer('smtps://room:hunter2secret@smtp.example.com', 'room@example.com');
		expect(mailer).toMatchObject({ enabled: true, destination: 'smtps://smtp.example.com:465' });
		expect(JSON.stringify(mailer)).not.toContain('hunter2secret');
		mailer.close();
	});
});
