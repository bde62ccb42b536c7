/**
 * The closed list of error codes and the failure half of every acknowledgement. Its own module, so
 * screens.ts and index.ts can both use the schema without importing each other.
 */
import { z } from 'zod';

/** The closed list of error codes a client can receive. */
export const ErrorCode = z.enum([
	'invalid_payload',
	'unknown_room',
	'not_found',
	'conflict',
	'rule_violation',
	'forbidden',
	'unauthenticated',
	'rate_limited',
	'unavailable',
	'internal'
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** What each code means, in one place: the doc comment of the code and the text of docs/protocol.md. */
export const ERROR_CODE_MEANINGS: Readonly<Record<ErrorCode, string>> = {
	invalid_payload: 'The payload did not match the schema; `issues` says where. Not retryable as it is.',
	unknown_room: 'No room with that id.',
	not_found: 'The command names something that does not exist.',
	conflict:
		'The command conflicts with the current state (already exists, already in that status), or its commandId was already used for a different command. Not applied.',
	rule_violation: 'The command breaks a rule of the method (e.g. a fix team from one department).',
	forbidden: "The sender's role may not do this.",
	unauthenticated: 'The sender has not joined the room, or is not signed in.',
	rate_limited: 'Too many commands too fast; not applied: wait a few seconds, then resend with the same commandId.',
	unavailable:
		'The store is unreachable or busy. The command may or may not have been applied (a store can fail after writing): resend it with the same commandId, which takes effect at most once.',
	internal: 'A bug on our side; the command may or may not have been applied: resend it with the same commandId.'
};

export { RETRYABLE_CODES } from './codes';

/** The failure half of every acknowledgement. Example: `{ ok: false, code: 'forbidden', message: 'A viewer cannot…' }` */
export const ErrorResult = z.strictObject({
	ok: z.literal(false),
	code: ErrorCode,
	/** A sentence saying what happened and what to do, for a person. */
	message: z.string(),
	/** For invalid_payload: where the payload went wrong (at most 20). */
	issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional()
});
export type ErrorResult = z.infer<typeof ErrorResult>;
