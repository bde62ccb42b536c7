/** The invite and password-reset e-mails, as their reader sees them: what, who, where, until when, and safe. */
import { describe, expect, it } from 'vitest';
import { inviteMessage, passwordResetMessage } from '../../server/mail/messages';

const invite = {
	inviteeName: 'Ben Ode',
	inviterName: 'Ann Lee',
	roomName: 'Payments EU',
	role: 'facilitator' as const,
	link: 'https://room.example.com/join#tok3n_-',
	expiresAt: new Date('2026-12-14T09:30:00Z')
};

describe('inviteMessage', () => {
	it('says who invited whom to which room, with which role, the link and when it expires', () => {
		const mail = inviteMessage(invite);
		expect(mail.subject).toBe('Ann Lee invited you to “Payments EU” in Customer Room');
		expect(mail.text).toBe(
			[
				'Hello Ben Ode,',
				'Ann Lee invited you to the room “Payments EU” in Customer Room. You will join as a facilitator.',
				'What a facilitator may do: Everything, including sessions, screens and these links.',
				'Accept the invitation:\nhttps://room.example.com/join#tok3n_-',
				'The link works once and expires on 14 December 2026 at 09:30 UTC. If it has expired, ask Ann Lee for a new one.',
				'If you did not expect this invitation, you can ignore this e-mail: nothing happens unless you open the link.'
			].join('\n\n') + '\n'
		);
		expect(mail.html).toContain('<html lang="en">');
		expect(mail.html).toContain(
			'<a href="https://room.example.com/join#tok3n_-" style="font-weight:bold">Accept the invitation</a>'
		);
	});

	it('greets without a name when none was given, and writes the date in the zone and language asked for', () => {
		const mail = inviteMessage({ ...invite, inviteeName: null, role: 'viewer' }, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
		expect(mail.text.startsWith('Hello,\n\n')).toBe(true);
		expect(mail.text).toContain('You will join as a viewer.');
		expect(mail.text).toContain('expires on 14. Dezember 2026 um 10:30 MEZ.');
	});

	it('escapes every value in the HTML and keeps the subject on one line', () => {
		const mail = inviteMessage({
			...invite,
			inviterName: 'Eve\r\nBcc: all@example.com',
			roomName: '<img src=x onerror=alert(1)> & "co"',
			inviteeName: "O'Brien <b>"
		});
		expect(mail.subject).toBe('Eve Bcc: all@example.com invited you to “<img src=x onerror=alert(1)> & "co"” in Customer Room');
		expect(mail.subject).not.toMatch(/[\r\n]/);
		expect(mail.html).not.toContain('<img');
		expect(mail.html).not.toContain('<b>');
		expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;co&quot;');
		expect(mail.html).toContain('Hello O&#39;Brien &lt;b&gt;,');
	});

	it('refuses a link that is not a full http(s) URL with its token after #', () => {
		for (const link of [
			'/join#token',
			'https://room.example.com/join?token=abc',
			'https://room.example.com/join',
			'javascript:alert(1)//#x'
		]) {
			expect(() => inviteMessage({ ...invite, link }), link).toThrow(/A link in an e-mail must be/);
		}
	});
});

describe('passwordResetMessage', () => {
	it('gives the link and its expiry, and says what to do if it was not asked for', () => {
		const mail = passwordResetMessage({
			name: 'Ann Lee',
			link: 'https://room.example.com/reset#abc',
			expiresAt: new Date('2026-12-07T15:00:00Z')
		});
		expect(mail.subject).toBe('Choose a new password for Customer Room');
		expect(mail.text).toContain('Someone, probably you, asked to reset the password of your Customer Room account.');
		expect(mail.text).toContain('Choose a new password:\nhttps://room.example.com/reset#abc');
		expect(mail.text).toContain('The link works once and expires on 7 December 2026 at 15:00 UTC.');
		expect(mail.text).toContain('If you did not ask for this, you can ignore this e-mail.');
	});

	it('names the admin who made the link, escaped', () => {
		const mail = passwordResetMessage({
			name: 'Ann',
			madeBy: 'Adm <in>',
			link: 'https://room.example.com/reset#abc',
			expiresAt: new Date('2026-12-07T15:00:00Z')
		});
		expect(mail.text).toContain('Adm <in> made a link for you to choose a new password for your Customer Room account.');
		expect(mail.html).toContain('Adm &lt;in&gt; made a link');
	});
});
