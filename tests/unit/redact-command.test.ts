// The server-side step before `decide` (server/text/redact-command.ts): every command that carries a
// customer's words is masked, found by walking the command schemas rather than by a list kept by hand.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Command, DEFAULT_REDACTION, type CommandType } from '../../src/lib/domain';
import { REDACTED_COMMANDS, redactCommand } from '../../server/text/redact-command';
import { COMMAND_EXAMPLES, furnishedRoom } from '../support/factories';

/** Fields that hold customers' words wherever they appear in a command. */
const CUSTOMER_FIELDS = new Set(['verbatim', 'caption', 'transcript', 'complaintQuotes', 'surveyQuotes', 'state', 'prepared']);

/** Whether a schema has, at any depth, a field named in CUSTOMER_FIELDS. */
function holdsCustomerWords(schema: z.ZodType, seen = new Set<z.ZodType>()): boolean {
	if (seen.has(schema)) return false;
	seen.add(schema);
	if (schema instanceof z.ZodObject) {
		return Object.entries(schema.shape as Record<string, z.ZodType>).some(
			([key, value]) => CUSTOMER_FIELDS.has(key) || holdsCustomerWords(value, seen)
		);
	}
	const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
	for (const key of ['innerType', 'element', 'in', 'out', 'schema']) {
		const inner = def[key];
		if (inner instanceof z.ZodType && holdsCustomerWords(inner, seen)) return true;
	}
	return false;
}

describe('redactCommand', () => {
	it('covers every command type whose schema holds customer words, and no other', () => {
		const holding = Command.options.filter((o) => holdsCustomerWords(o)).map((o) => o.shape.type.value as CommandType);
		expect(holding.sort()).toEqual(Object.keys(REDACTED_COMMANDS).sort());
	});

	it('masks a quote, a caption and a transcript, and leaves the room’s own words alone', () => {
		const { state } = furnishedRoom();
		const quote = redactCommand(
			{
				...COMMAND_EXAMPLES['complaint.quote'],
				verbatim: { ...COMMAND_EXAMPLES['complaint.quote'].verbatim, text: 'Mail jo@example.com' }
			},
			state
		);
		expect(quote.type === 'complaint.quote' && quote.verbatim.text).toBe('Mail [email]');
		const update = redactCommand(
			{ type: 'artifact.update', artifactId: 'art-1', patch: { transcript: 'Card 4111 1111 1111 1111.' } },
			state
		);
		expect(update.type === 'artifact.update' && update.patch).toEqual({ transcript: 'Card [card].' });
		const post = COMMAND_EXAMPLES['team.post'];
		expect(redactCommand({ ...post, text: 'Call jo@example.com' }, state)).toEqual({ ...post, text: 'Call jo@example.com' });
	});

	it('keeps a stored text within its limit when the masks are longer than what they hide', () => {
		const { state } = furnishedRoom();
		const text = 'NI AB123456C. '.repeat(71).slice(0, 1000);
		const command = redactCommand(
			{ ...COMMAND_EXAMPLES['complaint.quote'], verbatim: { ...COMMAND_EXAMPLES['complaint.quote'].verbatim, text } },
			state
		);
		const masked = command.type === 'complaint.quote' ? command.verbatim.text : '';
		expect(masked).toMatch(/^NI \[national id\]\. /);
		expect(masked.length).toBe(1000);
		expect(masked.endsWith('…')).toBe(true);
	});

	it('masks with the room’s settings: a kind turned off stays', () => {
		const { state } = furnishedRoom();
		const off = {
			...state,
			meta: { ...state.meta!, settings: { ...state.meta!.settings, redaction: { ...DEFAULT_REDACTION, kinds: [] } } }
		};
		const command = {
			...COMMAND_EXAMPLES['survey.quote'],
			verbatim: { ...COMMAND_EXAMPLES['survey.quote'].verbatim, text: 'Mail jo@example.com' }
		};
		expect(redactCommand(command, off)).toEqual(command);
	});
});
