/**
 * The room's refusal of a command, in words for the person at the form. Pure, so it is unit tested.
 */
import { own } from '$lib/domain/basics';

const FIELD_WORDS: Readonly<Record<string, string>> = {
	name: 'name',
	customerGoal: 'customer goal',
	channel: 'channel',
	departments: 'departments',
	importance: 'importance score',
	performance: 'performance score',
	internalScore: 'internal score',
	evidence: 'evidence',
	index: 'position'
};

/**
 * The server's answer in words for the person at the form: a payload the server refused names the
 * field ("The name must not be empty."), not the wire path ("Invalid command.name: ...").
 */
export function commandErrorText(message: string, issues?: ReadonlyArray<{ path: string; message: string }>): string {
	const first = issues?.[0];
	if (!first) return message;
	const field = first.path.split('.').find((part) => own(FIELD_WORDS, part) !== undefined);
	if (!field) return message;
	const detail = first.message.replace(/\.$/, '');
	return `The ${own(FIELD_WORDS, field)} ${/^(must|is|has|needs)\b/.test(detail) ? detail : `is not valid: ${detail}`}.`;
}
