/**
 * The server-side step that scores the tone of the customer words a command brings, after they are
 * masked and before `decide` (server/engine/room-engine.ts): whatever score a client sent is replaced by
 * the server's own, so every instance, wall and export reads the same tone from the event.
 */
import type { Command, Verbatim } from '../../src/lib/domain';
import { sentimentScore } from './sentiment';

const scored = (v: Verbatim): Verbatim => ({ ...v, sentiment: sentimentScore(v.text) });

/** `command` with each new verbatim it carries scored (the same object when it carries none). */
export function scoreCommand(command: Command): Command {
	switch (command.type) {
		case 'complaint.quote':
		case 'survey.quote':
			return { ...command, verbatim: scored(command.verbatim) };
		case 'import.apply':
			return {
				...command,
				delta: {
					...command.delta,
					complaintQuotes: command.delta.complaintQuotes.map((q) => ({ ...q, verbatim: scored(q.verbatim) })),
					surveyQuotes: command.delta.surveyQuotes.map((q) => ({ ...q, verbatim: scored(q.verbatim) })),
					// Rows waiting for review are scored now, so their tone counts once a person places them.
					toReview: command.delta.toReview.map((item) => ({ ...item, verbatim: scored(item.verbatim) }))
				}
			};
		default:
			// No other command brings new verbatims. Masking (`room.redact`, and a restore's masking) scores the
			// rewritten texts again where it works them out (`redact-room.ts`), inside its own event.
			return command;
	}
}
