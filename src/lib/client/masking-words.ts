/**
 * What masking does, in words: one home for the names of the kinds of personal data and the sentences
 * the import preview and the settings page show ("37 e-mail addresses and 4 card numbers in the Comment
 * column will be masked.").
 */
import { REDACTION_KINDS, type RedactionKind, type RedactionTally } from '$lib/domain';

/** Each kind as a person names it, one and many, and the mask it leaves. */
export const KIND_WORDS: Readonly<Record<RedactionKind, { one: string; many: string; label: string; mask: string }>> = {
	email: { one: 'e-mail address', many: 'e-mail addresses', label: 'E-mail addresses', mask: '[email]' },
	phone: { one: 'phone number', many: 'phone numbers', label: 'Phone numbers', mask: '[phone]' },
	card: { one: 'card number', many: 'card numbers', label: 'Payment card numbers (Luhn-checked)', mask: '[card]' },
	iban: { one: 'IBAN', many: 'IBANs', label: 'IBANs (checksum-checked)', mask: '[iban]' },
	nationalId: {
		one: 'national id number',
		many: 'national id numbers',
		label: 'US social security and UK National Insurance numbers',
		mask: '[national id]'
	},
	number: { one: 'long number', many: 'long numbers', label: 'Long numbers (accounts, policies)', mask: '[number]' }
};

const count = new Intl.NumberFormat('en');
const list = new Intl.ListFormat('en', { type: 'conjunction' });

/** "37 e-mail addresses, 4 card numbers and 12 phone numbers", kinds in a fixed order; '' when nothing. */
export function maskedPhrase(tally: RedactionTally): string {
	const parts = REDACTION_KINDS.filter((kind) => tally[kind] > 0).map(
		(kind) => `${count.format(tally[kind])} ${tally[kind] === 1 ? KIND_WORDS[kind].one : KIND_WORDS[kind].many}`
	);
	return list.format(parts);
}

/**
 * The import's sentence for one column: "37 e-mail addresses and 4 card numbers in the "Comment" column
 * will be masked." (`applied`: "were masked").
 */
export function columnMaskingSentence(column: string, tally: RedactionTally, applied = false): string {
	const named = /^column [A-Z]+$/.test(column) ? column : `the ${column} column`;
	return `${maskedPhrase(tally)} in ${named} ${applied ? 'were' : 'will be'} masked.`;
}
