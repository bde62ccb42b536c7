/**
 * The audit trail on the wire: access entries (sign-ins, invites, roles, screens) as stored, the rows the
 * audit pages show (access entries joined with a room's own events), the filters they take, and the
 * sentence that describes each row. Shared by the server (JSON and CSV answers) and the pages, so both
 * describe a row in the same words.
 */
import { z } from 'zod';

/** The closed list of access actions. Room events keep their own types (`team.chartered`, ...). */
export const AUDIT_ACTIONS = [
	'signed_in',
	'sign_in_failed',
	'signed_out',
	'account_created',
	'password_changed',
	'password_reset_requested',
	'password_reset',
	'invite_made',
	'invite_redeemed',
	'invite_revoked',
	'invite_resent',
	'guest_link_made',
	'guest_joined',
	'role_changed',
	'person_removed',
	'member_added',
	'took_over',
	'renamed',
	'screen_paired',
	'screen_removed',
	'sessions_ended',
	'admin_granted',
	'group_roles_changed',
	'sso_linked',
	'sso_unlinked',
	'api_key_made',
	'api_key_revoked',
	'api_key_used',
	'webhook_added',
	'webhook_changed',
	'webhook_removed',
	'webhook_secret_rotated',
	'webhook_paused'
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** Who acted or was acted on. `admin-cli` is `npm run admin`; `system` is the server itself (expiry, setup). */
export const AuditPartyKind = z.enum(['person', 'guest', 'screen', 'admin-cli', 'api-key', 'system']);
export type AuditPartyKind = z.infer<typeof AuditPartyKind>;

export const AuditParty = z.strictObject({
	id: z.string().min(1).max(100),
	name: z.string().max(120),
	kind: AuditPartyKind
});
export type AuditParty = z.infer<typeof AuditParty>;

/** Roles an entry may name: a room's roles, and `admin` for the instance. */
export const AuditRole = z.enum(['facilitator', 'contributor', 'viewer', 'admin']);
export type AuditRole = z.infer<typeof AuditRole>;

const RoomIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** One stored access entry. */
export const AuditEntry = z.strictObject({
	/** Made by the trail when recorded; names the entry in a cursor. */
	id: z.string().min(1).max(80),
	at: z.iso.datetime(),
	action: AuditAction,
	/** The room it happened in; null for the whole instance (a sign-in, an admin granted). */
	roomId: z.string().regex(RoomIdPattern).nullable(),
	/** Who did it; null when nobody is known (a failed sign-in with an unknown e-mail). */
	actor: AuditParty.nullable(),
	/** Who it was done to (the person whose role changed, the screen paired). */
	subject: AuditParty.optional(),
	role: AuditRole.optional(),
	/** The role before (role changes, take-overs); null when there was none. */
	fromRole: AuditRole.nullable().optional(),
	/** The client address of a sign-in event, masked before it is stored (see `maskAddress`). */
	address: z.string().max(64).optional(),
	/** Anything else worth reading: the name before a rename, why a sign-in failed. */
	detail: z.string().max(500).optional()
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** What `record` takes: an entry without its id, and its time if the caller does not give one. */
export const AuditInput = AuditEntry.omit({ id: true, at: true }).extend({ at: z.iso.datetime().optional() });
export type AuditInput = z.input<typeof AuditInput>;

/** One row of an audit page: an access entry, or an event of the room's log. */
export const AuditRow = z.strictObject({
	id: z.string(),
	at: z.string(),
	source: z.enum(['access', 'room']),
	/** An access action, or a room event's type. */
	action: z.string(),
	roomId: z.string().nullable(),
	actor: AuditParty.nullable(),
	subject: AuditParty.optional(),
	role: AuditRole.optional(),
	fromRole: AuditRole.nullable().optional(),
	address: z.string().optional(),
	detail: z.string().optional()
});
export type AuditRow = z.infer<typeof AuditRow>;

/** One page of rows, newest first; `next` is the cursor of the following page, null at the end. */
export interface AuditPage {
	rows: AuditRow[];
	next: string | null;
	/** Whether the room's oldest events have been compacted out of its log (they cannot be shown). */
	olderEventsCompacted?: boolean;
}

/** `kind` filter values beside the action and event names: every access entry, or every room event. */
export const AUDIT_SOURCES = ['access', 'room'] as const;

const Instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** The query string of the audit endpoints (every field optional, capped). */
export const AuditQuery = z.strictObject({
	person: z.string().trim().max(120).optional(),
	kind: z.string().trim().max(60).optional(),
	from: Instant.optional(),
	to: Instant.optional(),
	cursor: z.string().max(300).optional(),
	limit: z.coerce.number().int().min(1).max(500).optional()
});
export type AuditQuery = z.infer<typeof AuditQuery>;

const ROLE_WORDS: Record<AuditRole, string> = {
	facilitator: 'facilitator',
	contributor: 'contributor',
	viewer: 'viewer',
	admin: 'instance admin'
};

/** A party's name as a sentence shows it; guests and screens are marked, so nobody mistakes them for members. */
export function partyName(party: AuditParty | null | undefined): string {
	if (!party) return 'Someone unknown';
	const name = party.name.trim() || 'Someone without a name';
	switch (party.kind) {
		case 'guest':
			return `${name} (guest)`;
		case 'screen':
			return `the screen ${name}`;
		case 'admin-cli':
			return `${name} (command line)`;
		case 'api-key':
			return `the API key ${name}`;
		case 'person':
		case 'system':
			return name;
		default:
			return assertNeverParty(party.kind);
	}
}

function assertNeverParty(kind: never): never {
	throw new Error(`Unknown party kind ${String(kind)}`);
}

const possessive = (name: string) => (name.endsWith('s') ? `${name}'` : `${name}'s`);
/** "the screen Lobby ..." starts a sentence as "The screen ..."; a person's name is never recased. */
const capitalized = (text: string) => (text.startsWith('the ') ? `T${text.slice(1)}` : text);
const role = (r: AuditRole | null | undefined) => (r ? ROLE_WORDS[r] : 'no role');
const inRoom = (row: Pick<AuditRow, 'roomId'>) => (row.roomId ? ` in room ${row.roomId}` : '');

/** The sentence for an access row ("Ana Ruiz changed Tom Berg's role from viewer to contributor."). */
function describeAccess(row: AuditRow, action: AuditAction): string {
	const who = partyName(row.actor);
	const whom = row.subject ? partyName(row.subject) : 'someone';
	const detail = row.detail ? ` (${row.detail})` : '';
	switch (action) {
		case 'signed_in':
			return `${who} signed in.`;
		case 'sign_in_failed':
			return `A sign-in as ${row.subject ? whom : who} failed${detail}.`;
		case 'signed_out':
			return `${who} signed out.`;
		case 'account_created':
			return row.subject && row.subject.id !== row.actor?.id
				? `${who} created an account for ${whom}.`
				: `${who} created an account.`;
		case 'password_changed':
			return `${who} changed their password.`;
		case 'password_reset_requested':
			return `A password reset was requested for ${row.subject ? whom : who}.`;
		case 'password_reset':
			return `${row.subject ? whom : who} reset their password.`;
		case 'invite_made':
			return `${who} made an invite link for the ${role(row.role)} role${inRoom(row)}${detail}.`;
		case 'invite_redeemed':
			return `${who} joined${inRoom(row)} as ${role(row.role)} with an invite link.`;
		case 'invite_revoked':
			return `${who} revoked the invite link for the ${role(row.role)} role${inRoom(row)}${detail}.`;
		case 'invite_resent':
			return `${who} sent the invite${row.subject ? ` for ${whom}` : ''} again${detail}.`;
		case 'guest_link_made':
			return `${who} made a guest link${inRoom(row)}${detail}.`;
		case 'guest_joined':
			return `${who} joined${inRoom(row)} with a guest link.`;
		case 'role_changed':
			return `${who} changed ${possessive(whom)} role from ${role(row.fromRole)} to ${role(row.role)}.`;
		case 'person_removed':
			return `${who} removed ${whom}${inRoom(row) || ' from this instance'}.`;
		case 'member_added':
			return `${who} added ${whom}${inRoom(row)} as ${role(row.role)}.`;
		case 'took_over':
			return `${who} took over${inRoom(row) || ' the room'} as facilitator (their role before: ${role(row.fromRole)}).`;
		case 'renamed':
			return row.detail ? `${row.detail} renamed themselves to ${who}.` : `${who} changed their name.`;
		case 'screen_paired':
			return `${who} paired ${row.subject ? whom : 'a screen'}${inRoom(row)}.`;
		case 'screen_removed':
			return `${who} removed ${row.subject ? whom : 'a screen'}${inRoom(row)}.`;
		case 'sessions_ended':
			return `${who} ended the sessions of ${row.subject ? whom : `everyone who joined as ${role(row.role)}`}${detail}.`;
		case 'admin_granted':
			return `${who} made ${row.subject ? whom : 'themselves'} an instance admin.`;
		case 'group_roles_changed':
			return `${who} changed which provider groups give roles${inRoom(row)}${detail}.`;
		case 'sso_linked':
			return `${who} linked their account to single sign-on.`;
		case 'sso_unlinked':
			return `${who} unlinked their account from single sign-on.`;
		case 'api_key_made':
			return `${who} made ${row.subject ? whom : 'an API key'}${inRoom(row)}${detail}.`;
		case 'api_key_revoked':
			return `${who} revoked ${row.subject ? whom : 'an API key'}${inRoom(row)}.`;
		case 'api_key_used':
			return `${capitalized(who)} was used${inRoom(row)}${detail}.`;
		case 'webhook_added':
			return `${who} added a webhook endpoint${inRoom(row)}${detail}.`;
		case 'webhook_changed':
			return `${who} changed a webhook endpoint${inRoom(row)}${detail}.`;
		case 'webhook_removed':
			return `${who} deleted a webhook endpoint${inRoom(row)}${detail}.`;
		case 'webhook_secret_rotated':
			return `${who} made a new signing secret for a webhook endpoint${inRoom(row)}${detail}.`;
		case 'webhook_paused':
			return `${who} paused a webhook endpoint${inRoom(row)}${detail}.`;
		default:
			return assertNeverAction(action);
	}
}

function assertNeverAction(action: never): never {
	throw new Error(`Unknown audit action ${String(action)}`);
}

/** What a room event did, as the end of a sentence whose subject is its author. */
const EVENT_PHRASES: Record<string, string> = {
	'room.created': 'created the room',
	'room.configured': 'changed the room settings',
	'room.archived': 'archived the room',
	'room.unarchived': 'brought the room back from the archive',
	'room.restored': 'restored the room from a backup',
	'stage.added': 'added a stage',
	'stage.updated': 'changed a stage',
	'stage.moved': 'moved a stage',
	'stage.removed': 'removed a stage',
	'touchpoint.added': 'added a touchpoint',
	'touchpoint.updated': 'changed a touchpoint',
	'touchpoint.assessed': 'assessed a touchpoint',
	'touchpoint.removed': 'removed a touchpoint',
	'artifact.added': 'added an artifact',
	'artifact.updated': 'changed an artifact',
	'artifact.removed': 'removed an artifact',
	'complaint.defined': 'defined a complaint category',
	'complaint.updated': 'changed a complaint category',
	'complaint.counted': 'counted complaints',
	'complaint.quoted': 'added a customer quote to a complaint category',
	'rule.saved': 'saved a categorization rule',
	'rule.removed': 'removed a categorization rule',
	'review.placed': 'placed a verbatim from the To review queue in a complaint category',
	'complaint.removed': 'removed a complaint category',
	'kpi.defined': 'defined a KPI',
	'kpi.updated': 'changed a KPI',
	'kpi.recorded': 'recorded a KPI value',
	'kpi.unrecorded': 'removed a KPI value',
	'kpi.moved': 'moved a KPI',
	'kpi.removed': 'removed a KPI',
	'survey.defined': 'defined a survey',
	'survey.updated': 'changed a survey',
	'survey.recorded': 'recorded survey responses',
	'survey.quoted': 'added a survey verbatim',
	'survey.removed': 'removed a survey',
	'team.chartered': 'chartered a fix team',
	'team.updated': 'changed a fix team',
	'team.statusChanged': "changed a fix team's status",
	'team.posted': 'posted a fix-team update',
	'win.marked': 'marked a win',
	'win.retracted': 'took back a win',
	'session.started': 'started a session',
	'session.ended': 'ended a session',
	'session.focused': 'moved the session to a stage',
	'session.timerSet': 'set the session timer',
	'session.attended': 'recorded attendance',
	'session.decided': 'recorded a decision',
	'session.decisionRevised': 'revised a decision',
	'session.decisionRemoved': 'removed a decision',
	'session.checkedIn': 'checked in to the session',
	'vote.opened': 'opened a vote',
	'vote.cast': 'cast a vote',
	'vote.revealed': 'revealed a vote',
	'vote.cancelled': 'cancelled a vote',
	'action.created': 'gave someone an action',
	'action.updated': 'changed an action',
	'action.assigned': 'handed an action to someone else',
	'action.completed': 'marked an action done',
	'action.reopened': 'opened an action again',
	'action.removed': 'removed an action',
	'spotlight.set': 'put something in the spotlight',
	'spotlight.cleared': 'cleared the spotlight',
	'call.played': 'played a recorded call',
	'call.paused': 'paused a recorded call',
	'call.stopped': 'stopped a recorded call',
	'department.added': 'added a department',
	'department.renamed': 'renamed a department',
	'department.merged': 'merged departments',
	'department.removed': 'removed a department',
	'display.registered': 'added a screen',
	'display.updated': 'changed a screen',
	'display.removed': 'removed a screen',
	'import.applied': 'imported a file',
	'import.fileDeleted': "deleted an import's uploaded file, as the room's settings ask",
	'phrases.recorded': 'noted the phrases new this month',
	'event.withheld': 'made a change not shown here'
};

/** Whether a `kind` filter value names something: a source, an access action, or a room event type. */
export function isAuditKind(kind: string): boolean {
	return (
		(AUDIT_SOURCES as readonly string[]).includes(kind) ||
		AuditAction.safeParse(kind).success ||
		Object.hasOwn(EVENT_PHRASES, kind)
	);
}

/** Room event types, for the kind filter of the pages. */
export const ROOM_EVENT_TYPES = Object.keys(EVENT_PHRASES);

/** A short label for an action or event type, for a filter list ("role changed", "team chartered"). */
export function kindLabel(kind: string): string {
	return kind.replace(/[._]/g, ' ').replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`);
}

/** The whole sentence for a row, as the pages and the CSV show it. */
export function describeAuditRow(row: AuditRow): string {
	if (row.source === 'access') {
		const action = AuditAction.safeParse(row.action);
		if (action.success) return capitalized(describeAccess(row, action.data));
	}
	const phrase = EVENT_PHRASES[row.action] ?? `recorded ${kindLabel(row.action)}`;
	// A quoted detail that ends a sentence of its own ("... down 62%.") needs no second full stop.
	const detail = row.detail ? `: “${row.detail}”` : '';
	const stop = /[.!?]$/.test(row.detail ?? '') ? '' : '.';
	return `${capitalized(partyName(row.actor))} ${phrase}${detail}${stop}`;
}
