// Redaction of personal data in customer words (server/text/redact.ts): each kind with real-world
// examples that must be masked and look-alikes that must not, text that must survive untouched, and
// patterns that are linear by structure.
import safeRegex from 'safe-regex2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACTION, type RedactionSettings } from '../../src/lib/domain';
import { PATTERNS, luhnValid, redactText } from '../../server/text/redact';

const GB: RedactionSettings = { ...DEFAULT_REDACTION, phoneCountry: 'GB' };
const US: RedactionSettings = { ...DEFAULT_REDACTION, phoneCountry: 'US' };
const masked = (text: string, settings: RedactionSettings = GB) => redactText(text, settings).text;

describe('e-mail addresses', () => {
	it.each([
		['Write to jo.bloggs@example.co.uk please.', 'Write to [email] please.'],
		['My address is Anna+bank@mail.example.com, thanks', 'My address is [email], thanks'],
		['contact: first_last@sub.domain.org.', 'contact: [email].']
	])('masks %s', (text, expected) => expect(masked(text)).toBe(expected));

	it('leaves an @-mention and a lone @ alone', () => {
		expect(masked('Tweeted @NorthwindBank at 9am, then @ the branch')).toBe('Tweeted @NorthwindBank at 9am, then @ the branch');
	});
});

describe('phone numbers', () => {
	it.each([
		['Call me on 020 7946 0018 after six.', 'Call me on [phone] after six.'],
		['mobile 07911 123456', 'mobile [phone]'],
		['ring +44 161 496 0000 or +1 415 555 2671', 'ring [phone] or [phone]'],
		['Mon numéro: +33 1 42 68 53 00', 'Mon numéro: [phone]'],
		['Ruf an: +49 30 901820', 'Ruf an: [phone]'],
		['Tel. +61 2 9374 4000 (Sydney)', 'Tel. [phone] (Sydney)']
	])('masks %s (room country GB)', (text, expected) => expect(masked(text)).toBe(expected));

	it('reads national formats of the room country', () => {
		expect(masked('call (415) 555-2671 or 415.555.2671', US)).toBe('call [phone] or [phone]');
		// Without a country only international numbers are read; a bare run of digits still goes as a number.
		const international = { ...DEFAULT_REDACTION, phoneCountry: null };
		expect(masked('call (415) 555-2671 or +1 415 555 2671', international)).toBe('call (415) 555-2671 or [phone]');
	});
});

describe('payment cards', () => {
	it.each([
		['Visa 4111 1111 1111 1111 was charged twice', 'Visa [card] was charged twice'],
		['card 5500-0000-0000-0004 declined', 'card [card] declined'],
		['Amex 378282246310005.', 'Amex [card].'],
		['card 4111 1111 1111 1111 2024 expiry', 'card [card] 2024 expiry']
	])('masks %s (passes Luhn)', (text, expected) => expect(masked(text)).toBe(expected));

	it('does not call a number that fails Luhn a card', () => {
		expect(luhnValid('4111111111111111')).toBe(true);
		expect(luhnValid('4111111111111112')).toBe(false);
		expect(redactText('card 4111 1111 1111 1112 declined', GB).counts.card).toBe(0);
		// A placeholder of one repeated digit passes Luhn but is no card.
		expect(redactText('0000 0000 0000 0000', GB).counts.card).toBe(0);
	});
});

describe('IBANs', () => {
	it.each([
		['Refund to GB82 WEST 1234 5698 7654 32 OK?', 'Refund to [iban] OK?'],
		['IBAN DE89370400440532013000, BIC COBADEFFXXX', 'IBAN [iban], BIC COBADEFFXXX'],
		['nl91 abna 0417 1643 00 is mine', '[iban] is mine']
	])('masks %s (checksum holds)', (text, expected) => expect(masked(text)).toBe(expected));

	it('does not call an IBAN with a wrong checksum one', () => {
		const result = redactText('Refund to GB83 WEST 1234 5698 7654 32 please', GB);
		expect(result.counts.iban).toBe(0);
		expect(result.text).toContain('GB83 WEST');
	});
});

describe('national ids', () => {
	it('masks US social security numbers and UK National Insurance numbers', () => {
		expect(masked('SSN 123-45-6789 on file')).toBe('SSN [national id] on file');
		expect(masked('NI number AB 12 34 56 C, or AB123456C')).toBe('NI number [national id], or [national id]');
	});

	it('leaves numbers the issuers never give out', () => {
		// No SSN starts 000, 666 or 9xx; no NI number starts with a D, F, I, Q, U or V, nor with GB.
		expect(masked('codes 000-12-3456 and 666-12-3456 and 912-34-5678')).not.toContain('[national id]');
		expect(masked('refs QQ 12 34 56 C, GB 12 34 56 A')).toBe('refs QQ 12 34 56 C, GB 12 34 56 A');
	});
});

describe('long digit runs', () => {
	it('masks account and policy numbers from the room length on', () => {
		expect(masked('policy 99881234 and account 12345678901234')).toBe('policy [number] and account [number]');
		expect(masked('order 1234567')).toBe('order 1234567');
		expect(masked('order 1234567', { ...GB, minDigits: 6 })).toBe('order [number]');
	});
});

describe('what survives', () => {
	it.each([
		'On 2024-03-15 I paid £1,250.00 and $3,400 at 10:30.',
		'Charged 12345678.50 on 15.03.2024 and again on 03/16/2024.',
		'We waited 45 minutes, 3 times, for ref 12345 (1 800 items).',
		'Fee of €12.50 taken on 1 March 2024; balance -€1,234.56.',
		'Branch opened 08:30-17:00, week 2024-W14, sort code area 40.'
	])('%s', (text) => {
		const result = redactText(text, GB);
		expect(result.text).toBe(text);
	});

	it('masks nothing of a kind the room turned off', () => {
		const onlyEmail: RedactionSettings = { ...GB, kinds: ['email'] };
		expect(masked('jo@example.com, 020 7946 0018, 4111 1111 1111 1111', onlyEmail)).toBe(
			'[email], 020 7946 0018, 4111 1111 1111 1111'
		);
	});

	it('counts what it masked, and masking again changes nothing', () => {
		const once = redactText('jo@example.com, 020 7946 0018, 4111 1111 1111 1111, GB82 WEST 1234 5698 7654 32', GB);
		expect(once.counts).toEqual({ email: 1, phone: 1, card: 1, iban: 1, nationalId: 0, number: 0 });
		expect(redactText(once.text, GB).text).toBe(once.text);
	});
});

describe('linear time', () => {
	it('every pattern is free of nested, overlapping quantifiers (safe-regex2)', () => {
		for (const [name, pattern] of Object.entries(PATTERNS)) expect(safeRegex(pattern), name).toBe(true);
	});

	it('every quantifier but a lone class run is bounded, so each start does bounded work', () => {
		for (const [name, pattern] of Object.entries(PATTERNS)) {
			const outsideClasses = pattern.source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, 'C');
			const unbounded = outsideClasses.match(/[*+](?!\?)|\{\d+,\}/g) ?? [];
			expect(unbounded.length <= (name === 'digits' ? 1 : 0), `${name}: ${pattern.source}`).toBe(true);
		}
	});

	it('reads hostile input of 100 000 characters to the end', () => {
		const hostile = [
			'a'.repeat(100_000),
			'a@'.repeat(50_000),
			`${'a'.repeat(64)}@b.`.repeat(1_500),
			'1 '.repeat(50_000),
			'1-'.repeat(50_000),
			'GB82 '.repeat(20_000),
			'+1 ('.repeat(25_000)
		];
		for (const text of hostile) expect(typeof redactText(text, GB).text).toBe('string');
	});
});
