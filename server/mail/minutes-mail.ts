/**
 * The minutes of a session, e-mailed to its attendees when it ends (with SMTP configured).
 *
 * - A listener on committed batches (the same place that broadcasts and queues webhooks): it sees
 *   `session.ended`, and sends in the background; the command that ended the session was answered already
 *   and never waits for the mail server.
 * - Recipients: `minutesRecipients` (attendees with an account in the room and an e-mail address).
 * - One message per person, plain text (the Markdown minutes, which read as text) and HTML, from the one
 *   minutes model the page and the download use.
 * - A failure is logged once per message, with the room, never the address or the content.
 */
import type { RoomEventsMessage } from '../../src/lib/protocol';
import type { RoomState, Session } from '../../src/lib/domain';
import {
	minutesMarkdown,
	minutesModel,
	minutesRecipients,
	type MinutesMember,
	type MinutesModel
} from '../../src/lib/client/minutes';
import type { Broadcaster } from '../engine/room-engine';
import type { Logger } from '../log';
import type { Mailer } from './mailer';
import { PRODUCT_NAME, escapeHtml, type MailContent } from './messages';

/** One line: control characters become spaces, so no value can add a header line. */
const oneLine = (value: string): string => value.replace(/\p{Cc}+/gu, ' ').trim();

function section(title: string, items: string[], none: string): string {
	const body = items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : `<p>${escapeHtml(none)}</p>`;
	return `<h2 style="font-size:18px;margin:1.2em 0 0.4em">${escapeHtml(title)}</h2>\n${body}`;
}

/** The HTML part: the same sections as the Markdown, every value escaped. */
function minutesHtml(m: MinutesModel): string {
	const e = escapeHtml;
	const actions = m.actions ?? [];
	const parts = [
		`<h1 style="font-size:22px;margin:0 0 0.2em">${e(m.title)}</h1>`,
		`<p style="color:#555;margin:0">${e(m.room)}${m.organisation ? ` · ${e(m.organisation)}` : ''}</p>`,
		`<p style="color:#555;margin:0 0 1em">${e(`${m.day}, ${m.from}–${m.to}`)}</p>`,
		section(`Attendees (${m.attendees.length})`, m.attendees.map(e), 'None recorded.'),
		...(m.agenda.length ? [section('Agenda', m.agenda.map(e), '')] : []),
		section(
			`Decisions (${m.decisions.length})`,
			m.decisions.map((d) => `${e(d.text)} <span style="color:#555">(${e(d.time)})</span>`),
			'None recorded.'
		),
		section(
			`Actions (${actions.length})`,
			actions.map(
				(a) =>
					`<strong>${e(a.owner)}</strong>, due ${e(a.due)}: ${e(a.text)} <span style="color:#555">(${e(a.origin)}${a.team ? `, team ${e(a.team)}` : ''}; ${a.done ? `done ${e(a.done)}` : 'open'})</span>`
			),
			'None agreed.'
		),
		section(
			`Fix teams chartered (${m.chartered.length})`,
			m.chartered.map(
				(t) => `<strong>${e(t.name)}</strong> (${e(t.stage)}): ${e(t.problem ?? '')} Due ${e(t.due ?? 'no date set')}.`
			),
			'None.'
		),
		section(
			`Wins (${m.wins.length})`,
			m.wins.map(
				(w) => `<strong>${e(w.headline)}</strong>${w.before || w.after ? `: ${e(w.before || '—')} → ${e(w.after || '—')}` : ''}`
			),
			'None this session.'
		),
		section(
			`Open fix teams (${m.open.length})`,
			m.open.map((t) => `<strong>${e(t.name)}</strong>: ${e(t.parts.join(', '))}`),
			'None: every team has won or been disbanded.'
		)
	];
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(m.title)}</title>
</head>
<body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:40em;margin:0 auto;padding:1em">
${parts.join('\n')}
<p style="color:#555;margin-top:2em">${e(`You attended this session of the room “${m.room}”. The minutes stay in the room, under Facilitate, Sessions.`)}</p>
</body>
</html>
`;
}

/** The e-mail of a session's minutes (the same for every attendee). */
export function minutesMessage(state: RoomState, session: Session, timeZone = 'UTC'): MailContent | null {
	const model = minutesModel(state, { timeZone }, session);
	if (!model) return null;
	const text = `${minutesMarkdown(state, { timeZone }, session)}\nYou attended this session of the room “${model.room}”. The minutes stay in the room, under Facilitate, Sessions.\n`;
	return { subject: oneLine(`Minutes: ${model.title} (${model.room}) · ${PRODUCT_NAME}`), text, html: minutesHtml(model) };
}

/** The session a `session.ended` event at `at` ended (the current one, or already in the history). */
function endedSession(state: RoomState, at: string): Session | null {
	return [state.session, ...state.pastSessions].find((s): s is Session => s !== null && s.endedAt === at) ?? null;
}

export interface MinutesMailDeps {
	mailer: Mailer | undefined;
	/** The room's state now (after the batch). */
	state(roomId: string): Promise<RoomState | null>;
	/** The room's members with an account: id, name, e-mail. */
	members(roomId: string): Promise<MinutesMember[]>;
	log: Logger;
	/** The time zone times in the minutes are written in (default UTC). */
	timeZone?: string;
}

/**
 * E-mails the minutes when a session ends. `wrap` puts it on the engine's broadcaster; `settled` lets a
 * test wait for sends in flight (the app waits for them on close).
 */
export function createMinutesMail(deps: MinutesMailDeps) {
	const inFlight = new Set<Promise<void>>();

	async function send(roomId: string, at: string): Promise<void> {
		const mailer = deps.mailer;
		if (!mailer?.enabled) return;
		const state = await deps.state(roomId);
		const session = state && endedSession(state, at);
		if (!state || !session) return;
		const recipients = minutesRecipients(session, await deps.members(roomId));
		const content = recipients.length ? minutesMessage(state, session, deps.timeZone) : null;
		if (!content) return;
		let failed = 0;
		for (const person of recipients) {
			try {
				await mailer.send({ to: person.email!, ...content });
			} catch (error) {
				failed++;
				deps.log.warn({ roomId, sessionId: session.id, err: String(error) }, 'the minutes could not be e-mailed to an attendee');
			}
		}
		deps.log.info({ roomId, sessionId: session.id, sent: recipients.length - failed, failed }, 'minutes e-mailed');
	}

	return {
		wrap(inner: Broadcaster): Broadcaster {
			return {
				publish(message: RoomEventsMessage) {
					inner.publish(message);
					if (!deps.mailer?.enabled) return;
					for (const recorded of message.events) {
						if (recorded.event.type !== 'session.ended') continue;
						const job = send(message.roomId, recorded.event.at)
							.catch((error: unknown) =>
								deps.log.warn({ roomId: message.roomId, err: String(error) }, 'the minutes could not be e-mailed')
							)
							.finally(() => inFlight.delete(job));
						inFlight.add(job);
					}
				}
			};
		},
		/** Resolves when every send started so far has finished. */
		async settled(): Promise<void> {
			await Promise.all([...inFlight]);
		}
	};
}
