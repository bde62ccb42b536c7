/**
 * The server-side step every command passes before `decide` (server/engine/room-engine.ts): the
 * customer words a command carries are masked with the room's settings, so nothing a socket, an import
 * or a restore sends reaches the log, a snapshot or a broadcast unmasked. `room.redact` gets here what
 * it rewrites, worked out from the same state `decide` sees.
 */
import { assertNever, applyRedaction, type Command, type CommandType, type RoomState, type Verbatim } from '../../src/lib/domain';
import { maskWithin, settingsOf } from './redact';
import { TEXT_LIMITS } from './redact-room';
import { prepareRedaction } from './redact-room';

/**
 * The command types that carry customer words, and where: `tests/unit/redact-command.test.ts` walks
 * every command schema and fails when a field that holds such words is on a type missing here.
 */
export const REDACTED_COMMANDS = {
	'complaint.quote': 'verbatim',
	'survey.quote': 'verbatim',
	'artifact.add': 'caption and transcript',
	'artifact.update': 'caption and transcript',
	'import.apply': 'the verbatims of the delta',
	'room.restore': "the backup's verbatims, captions and transcripts",
	'room.redact': 'everything the room holds'
} as const satisfies Partial<Record<CommandType, string>>;

/** `command` with the customer words it carries masked as `state`'s room says (the same object when it carries none). */
export function redactCommand(command: Command, state: RoomState): Command {
	const settings = settingsOf(state.meta?.settings);
	const mask = (text: string, max: number) => maskWithin(text, settings, max);
	const maskVerbatim = (v: Verbatim): Verbatim => ({ ...v, text: mask(v.text, TEXT_LIMITS.verbatim) });
	const type = command.type;
	switch (type) {
		case 'complaint.quote':
		case 'survey.quote':
			return { ...command, verbatim: maskVerbatim(command.verbatim) };
		case 'artifact.add':
			return {
				...command,
				caption: mask(command.caption, TEXT_LIMITS.caption),
				transcript: mask(command.transcript, TEXT_LIMITS.transcript)
			};
		case 'artifact.update': {
			const { caption, transcript } = command.patch;
			if (caption === undefined && transcript === undefined) return command;
			const patch = {
				...command.patch,
				...(caption !== undefined ? { caption: mask(caption, TEXT_LIMITS.caption) } : {}),
				...(transcript !== undefined ? { transcript: mask(transcript, TEXT_LIMITS.transcript) } : {})
			};
			return { ...command, patch };
		}
		case 'import.apply':
			return {
				...command,
				delta: {
					...command.delta,
					complaintQuotes: command.delta.complaintQuotes.map((q) => ({ ...q, verbatim: maskVerbatim(q.verbatim) })),
					surveyQuotes: command.delta.surveyQuotes.map((q) => ({ ...q, verbatim: maskVerbatim(q.verbatim) })),
					// Rows (and survey comments) waiting for review are stored too, in the queue.
					toReview: command.delta.toReview.map((item) => ({ ...item, verbatim: maskVerbatim(item.verbatim) }))
				}
			};
		case 'room.restore': {
			// A backup is masked with its own room's settings, as that room would have masked it.
			const prepared = prepareRedaction(command.state);
			return { ...command, state: applyRedaction(command.state, prepared.rewrites) };
		}
		case 'room.redact':
			return { ...command, prepared: prepareRedaction(state) };
		case 'room.create':
		case 'room.configure':
		case 'room.archive':
		case 'room.unarchive':
		case 'department.add':
		case 'department.rename':
		case 'department.merge':
		case 'department.remove':
		case 'stage.add':
		case 'stage.update':
		case 'stage.move':
		case 'stage.remove':
		case 'touchpoint.add':
		case 'touchpoint.update':
		case 'touchpoint.assess':
		case 'touchpoint.remove':
		case 'artifact.remove':
		case 'complaint.define':
		case 'complaint.update':
		case 'complaint.count':
		case 'complaint.remove':
		case 'kpi.define':
		case 'kpi.update':
		case 'kpi.record':
		case 'kpi.unrecord':
		case 'kpi.move':
		case 'kpi.remove':
		case 'survey.define':
		case 'survey.update':
		case 'survey.record':
		case 'survey.remove':
		case 'team.charter':
		case 'team.update':
		case 'team.setStatus':
		case 'team.post':
		case 'win.mark':
		case 'win.retract':
		case 'session.start':
		case 'session.focus':
		case 'session.setTimer':
		case 'session.attend':
		case 'session.decide':
		case 'session.reviseDecision':
		case 'session.removeDecision':
		case 'session.end':
		case 'session.checkIn':
		case 'vote.open':
		case 'vote.cast':
		case 'vote.reveal':
		case 'vote.cancel':
		case 'action.create':
		case 'action.update':
		case 'action.assign':
		case 'action.complete':
		case 'action.reopen':
		case 'action.remove':
		case 'call.play':
		case 'call.pause':
		case 'call.stop':
		case 'spotlight.set':
		case 'spotlight.clear':
		case 'display.register':
		case 'display.update':
		case 'display.remove':
		case 'rule.save':
		case 'rule.remove':
		case 'review.place':
		case 'import.deleteFile':
		case 'phrases.record':
			// The room's own words (names, goals, team posts, decisions), or phrases found in words already masked; not a customer's.
			return command;
		default:
			return assertNever(command);
	}
}
