/**
 * The e-mails Customer Room sends: an invitation to a room, and a link to choose a new password. Each
 * comes as plain text and as simple HTML (one column, real text, a link that says where it goes, `lang`
 * set), in whole sentences.
 *
 * - Every value put into the HTML is escaped; every value put into the subject is made one line.
 * - Links are full http(s) URLs with their token in the fragment (`https://room.example.com/join#…`):
 *   browsers never send a fragment, so the token reaches no server or proxy log. The caller builds the
 *   link; a link with the token elsewhere is refused here rather than mailed.
 * - Dates are written with Intl in the time zone given (UTC by default), with the zone's name.
 */
import { ROLE_LABEL } from '../../src/lib/client/access';
import type { Role } from '../../src/lib/domain';

export const PRODUCT_NAME = 'Customer Room';

/** What `mailer.send` needs besides the recipient. */
export interface MailContent {
	subject: string;
	text: string;
	html: string;
}

/** How dates in a message are written: for whom (locale) and where (time zone). */
export interface MailFormat {
	/** A BCP 47 locale; `en-GB` by default ("14 December 2026 at 09:30 UTC"). */
	locale?: string;
	/** An IANA time zone; `UTC` by default. */
	timeZone?: string;
}

export interface InviteDetails {
	/** The invited person's name, when the inviter gave one. */
	inviteeName?: string | null;
	/** Who made the invite. */
	inviterName: string;
	roomName: string;
	role: Role;
	/** The full link to accept, token in the fragment. */
	link: string;
	expiresAt: Date;
}

export interface PasswordResetDetails {
	/** The account's name. */
	name: string;
	/** The full link to choose a new password, token in the fragment. */
	link: string;
	expiresAt: Date;
	/** The admin who made the link, when it was not the person themself. */
	madeBy?: string | null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** One line: control characters (line breaks included) become spaces, so no value can add a header line. */
const oneLine = (value: string): string => value.replace(/\p{Cc}+/gu, ' ').trim();

/** The link, checked: a full http(s) URL whose token is in the fragment, not in the path's query. */
function mailLink(link: string): string {
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		throw new TypeError('A link in an e-mail must be a full URL, such as https://room.example.com/join#token.');
	}
	if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash.length < 2 || url.search !== '')
		throw new TypeError(
			'A link in an e-mail must be an http(s) URL with its token after # and no query, such as https://room.example.com/join#token.'
		);
	return url.href;
}

function when(date: Date, format: MailFormat): string {
	return new Intl.DateTimeFormat(format.locale ?? 'en-GB', {
		dateStyle: 'long',
		timeStyle: 'short',
		timeZone: format.timeZone ?? 'UTC'
	}).format(date);
}

/** The time zone's name as the locale writes it ("UTC", "CET", "GMT+2"). */
function zoneName(date: Date, format: MailFormat): string {
	const parts = new Intl.DateTimeFormat(format.locale ?? 'en-GB', {
		timeZone: format.timeZone ?? 'UTC',
		timeZoneName: 'short'
	}).formatToParts(date);
	return parts.find((part) => part.type === 'timeZoneName')?.value ?? format.timeZone ?? 'UTC';
}

const expiry = (date: Date, format: MailFormat): string => `${when(date, format)} ${zoneName(date, format)}`;

/** A paragraph of the message: text, or text with the link, the same in both parts. */
type Paragraph = string | { link: string; label: string };

/** Both parts from one list of paragraphs, so the text and the HTML never say different things. */
function compose(subject: string, paragraphs: Paragraph[]): MailContent {
	const text = paragraphs.map((p) => (typeof p === 'string' ? p : `${p.label}:\n${p.link}`)).join('\n\n');
	const body = paragraphs
		.map((p) =>
			typeof p === 'string'
				? `<p>${escapeHtml(p)}</p>`
				: `<p><a href="${escapeHtml(p.link)}" style="font-weight:bold">${escapeHtml(p.label)}</a></p>\n<p>If the link does not open, copy this address into your browser: <span style="word-break:break-all">${escapeHtml(p.link)}</span></p>`
		)
		.join('\n');
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:36em;margin:0 auto;padding:1em">
${body}
</body>
</html>
`;
	return { subject, text: `${text}\n`, html };
}

/** The invitation to a room: who invited, to which room, with which role, the link and when it expires. */
export function inviteMessage(invite: InviteDetails, format: MailFormat = {}): MailContent {
	const link = mailLink(invite.link);
	const inviter = oneLine(invite.inviterName);
	const room = oneLine(invite.roomName);
	const role = ROLE_LABEL[invite.role];
	const invitee = invite.inviteeName ? oneLine(invite.inviteeName) : '';
	return compose(`${inviter} invited you to “${room}” in ${PRODUCT_NAME}`, [
		invitee ? `Hello ${invitee},` : 'Hello,',
		`${inviter} invited you to the room “${room}” in ${PRODUCT_NAME}. You will join as a ${role.name.toLowerCase()}.`,
		`What a ${role.name.toLowerCase()} may do: ${role.can}`,
		{ link, label: 'Accept the invitation' },
		`The link works once and expires on ${expiry(invite.expiresAt, format)}. If it has expired, ask ${inviter} for a new one.`,
		'If you did not expect this invitation, you can ignore this e-mail: nothing happens unless you open the link.'
	]);
}

/** The link to choose a new password, and when it expires. */
export function passwordResetMessage(reset: PasswordResetDetails, format: MailFormat = {}): MailContent {
	const link = mailLink(reset.link);
	const name = oneLine(reset.name);
	const madeBy = reset.madeBy ? oneLine(reset.madeBy) : '';
	return compose(`Choose a new password for ${PRODUCT_NAME}`, [
		`Hello ${name},`,
		madeBy
			? `${madeBy} made a link for you to choose a new password for your ${PRODUCT_NAME} account.`
			: `Someone, probably you, asked to reset the password of your ${PRODUCT_NAME} account.`,
		{ link, label: 'Choose a new password' },
		`The link works once and expires on ${expiry(reset.expiresAt, format)}.`,
		'If you did not ask for this, you can ignore this e-mail.'
	]);
}
