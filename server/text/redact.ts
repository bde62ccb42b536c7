/**
 * The one redaction step for customer words: every path that stores what a customer wrote or said
 * (imports, `complaint.quote`, `survey.quote`, artifact captions and call transcripts, `room.redact`)
 * passes its text through `redactText` on the server before anything is stored or broadcast.
 *
 * Each kind found becomes a typed mask (`[email]`, `[phone]`, `[card]`, `[iban]`, `[national id]`,
 * `[number]`). Numbers are masked only when they check out: a card number must pass Luhn, an IBAN its
 * ISO 13616 checksum (`ibantools`), a phone number the numbering plan of its country (`libphonenumber-js`
 * with full metadata), so dates, money amounts and short numbers survive.
 *
 * Linear time by structure, not by measurement: no pattern below nests one quantifier in another, and
 * every quantifier is bounded (but `\d+`, a lone class run that cannot fail part-way). So from any start
 * position the engine does a bounded amount of work, and a scan of n characters does O(n) work whatever
 * the text; the checks after a match (Luhn, IBAN checksum, the phone library) see bounded slices. `tests/unit/redact.test.ts` checks each
 * pattern with `safe-regex2` and runs hostile input of 100 000 characters.
 */
import { findPhoneNumbersInText, isSupportedCountry } from 'libphonenumber-js/max';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { DEFAULT_REDACTION, REDACTION_KINDS, type RedactionKind, type RedactionSettings } from '../../src/lib/domain';

/** The mask each kind leaves in the text. */
export const MASKS: Readonly<Record<RedactionKind, string>> = {
	email: '[email]',
	phone: '[phone]',
	card: '[card]',
	iban: '[iban]',
	nationalId: '[national id]',
	number: '[number]'
};

/** How many of each kind one text (or many) held. */
export type RedactionCounts = Record<RedactionKind, number>;

export const noCounts = (): RedactionCounts => ({ email: 0, phone: 0, card: 0, iban: 0, nationalId: 0, number: 0 });

/** Adds `b` into `a` (and answers `a`). */
export function addCounts(a: RedactionCounts, b: RedactionCounts): RedactionCounts {
	for (const kind of REDACTION_KINDS) a[kind] += b[kind];
	return a;
}

export const totalOf = (counts: RedactionCounts): number => REDACTION_KINDS.reduce((sum, kind) => sum + counts[kind], 0);

/**
 * The patterns, exported so the test can check each one with `safe-regex2`. Every quantifier is bounded
 * (RFC 5321 caps a local part at 64 characters and a label at 63) or a lone class run.
 */
export const PATTERNS = {
	/** Local part, @, a label, a dot, the rest of the domain (a trailing dot is a full stop, trimmed after). */
	email: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}\.[A-Za-z0-9.-]{1,190}/g,
	/** Digits with spaces or dashes, 13-37 characters; which prefix is 13-19 digits with single separators is checked after. */
	card: /\d[\d -]{11,35}\d/g,
	/** Country, check digits, then letters, digits and spaces; the longest prefix whose checksum holds is taken. */
	iban: /[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{10,40}/g,
	/** US social security number, written with dashes or spaces. */
	ssn: /\d{3}[- ]\d{2}[- ]\d{4}/g,
	/** UK National Insurance number: two letters, six digits (optionally in pairs), a letter A-D. */
	nino: /[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]/g,
	/**
	 * What a written phone number looks like, for the library to judge: an optional + or (, a digit, up to
	 * 28 digits or separators, a digit. The class overlaps the last digit, so a start backtracks at most
	 * 28 steps: bounded work per start.
	 */
	phoneLike: /\+?\(?\d[\d ()./-]{4,28}\d/g,
	/** A run of digits: always matches where it starts, so it never backtracks. */
	digits: /\d+/g
} as const;

interface Span {
	start: number;
	end: number;
	kind: RedactionKind;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Every match of `pattern` in `text` that stands alone (no letter or digit glued to either end). */
function* standalone(pattern: RegExp, text: string): Generator<RegExpExecArray> {
	const re = new RegExp(pattern.source, pattern.flags);
	for (let m = re.exec(text); m; m = re.exec(text)) {
		if (!isWordChar(text[m.index - 1]) && !isWordChar(text[m.index + m[0].length])) yield m;
		// A match that was glued on the left may hide a standalone one starting inside it: step one on.
		else re.lastIndex = m.index + 1;
	}
}

/** Luhn (ISO/IEC 7812) check of a string of digits. */
export function luhnValid(digits: string): boolean {
	return luhnDigits([...digits].map(Number), digits.length);
}

function cards(text: string): Span[] {
	const found: Span[] = [];
	const re = new RegExp(PATTERNS.card.source, PATTERNS.card.flags);
	for (let m = re.exec(text); m; m = re.exec(text)) {
		if (isWordChar(text[m.index - 1])) {
			re.lastIndex = m.index + 1;
			continue;
		}
		// The greedy match may take a group that follows the card ("4111 1111 1111 1111 2024"): try the
		// longest run of 13-19 digits, single separators between them, that stands alone and passes Luhn.
		// One pass over the match (at most 37 characters) collects the digits and where each ends.
		const digits: number[] = [];
		const ends: number[] = [];
		for (let i = 0; i < m[0].length && digits.length < 19; i++) {
			const c = m[0].charCodeAt(i);
			if (c >= 48 && c <= 57) {
				digits.push(c - 48);
				ends.push(i + 1);
			} else if (!isDigit(m[0][i - 1])) break; // two separators in a row end the number
		}
		let hit = 0;
		for (let k = digits.length; k >= 13 && !hit; k--) {
			const end = ends[k - 1]!;
			if (isWordChar(text[m.index + end]) || digits.slice(0, k).every((d) => d === digits[0])) continue;
			if (luhnDigits(digits, k)) hit = end;
		}
		if (hit) {
			found.push({ start: m.index, end: m.index + hit, kind: 'card' });
			re.lastIndex = m.index + hit;
		} else re.lastIndex = m.index + 1;
	}
	return found;
}

/** Luhn over the first `k` of `digits`. */
function luhnDigits(digits: readonly number[], k: number): boolean {
	let sum = 0;
	for (let i = 0; i < k; i++) {
		let d = digits[k - 1 - i]!;
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

function ibans(text: string): Span[] {
	const found: Span[] = [];
	const re = new RegExp(PATTERNS.iban.source, PATTERNS.iban.flags);
	for (let m = re.exec(text); m; m = re.exec(text)) {
		if (isWordChar(text[m.index - 1])) {
			re.lastIndex = m.index + 1;
			continue;
		}
		// The greedy match may run on into the next word ("... 7654 32 OK"): try the longest end that
		// leaves a valid IBAN standing alone (at most 40 ends, each an O(44) check).
		let hit = 0;
		for (let end = m[0].length; end >= 15 && !hit; end--) {
			const candidate = m[0].slice(0, end);
			if (candidate.endsWith(' ') || candidate.includes('  ') || isWordChar(text[m.index + end])) continue;
			const electronic = electronicFormatIBAN(candidate.toUpperCase());
			if (electronic && isValidIBAN(electronic)) hit = end;
		}
		if (hit) {
			found.push({ start: m.index, end: m.index + hit, kind: 'iban' });
			re.lastIndex = m.index + hit;
		} else re.lastIndex = m.index + 1;
	}
	return found;
}

/** Valid US SSN parts: no area 000, 666 or 9xx, no group 00, no serial 0000 (SSA rules). */
function ssnValid(value: string): boolean {
	const [area, group, serial] = value.split(/[- ]/);
	return area !== '000' && area !== '666' && !area!.startsWith('9') && group !== '00' && serial !== '0000';
}

/** HMRC: the first letter is not D, F, I, Q, U or V; the second not D, F, I, O, Q, U or V; some pairs are never issued. */
function ninoValid(value: string): boolean {
	const prefix = value.slice(0, 2).toUpperCase();
	return /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]$/.test(prefix) && !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(prefix);
}

function nationalIds(text: string): Span[] {
	const found: Span[] = [];
	for (const m of standalone(PATTERNS.ssn, text))
		if (ssnValid(m[0])) found.push({ start: m.index, end: m.index + m[0].length, kind: 'nationalId' });
	for (const m of standalone(PATTERNS.nino, text))
		if (ninoValid(m[0])) found.push({ start: m.index, end: m.index + m[0].length, kind: 'nationalId' });
	return found;
}

function emails(text: string): Span[] {
	const found: Span[] = [];
	const re = new RegExp(PATTERNS.email.source, PATTERNS.email.flags);
	for (let m = re.exec(text); m; m = re.exec(text)) {
		const address = m[0].replace(/[.-]{1,190}$/, '');
		if (/\.[A-Za-z0-9-]/.test(address.slice(address.indexOf('@'))))
			found.push({ start: m.index, end: m.index + address.length, kind: 'email' });
	}
	return found;
}

/**
 * Phone numbers, read by the library's matcher. On long runs of digits and separators the matcher does
 * more than linear work, so it only ever sees short candidates: runs that look like a written number
 * (found by `PATTERNS.phoneLike`, linear) with a character of context on each side. Candidates do not
 * overlap, so the library's work is bounded per candidate and linear overall.
 */
function phones(text: string, country: string | null): Span[] {
	// A country the library does not know reads international numbers only, rather than failing the text.
	const options = country && isSupportedCountry(country) ? { defaultCountry: country } : {};
	const found: Span[] = [];
	const re = new RegExp(PATTERNS.phoneLike.source, PATTERNS.phoneLike.flags);
	for (let m = re.exec(text); m; m = re.exec(text)) {
		const offset = Math.max(0, m.index - 1);
		const candidate = text.slice(offset, m.index + m[0].length + 1);
		for (const f of findPhoneNumbersInText(candidate, options)) {
			const start = offset + f.startsAt;
			const end = offset + f.endsAt;
			// "12345678.50" reads as a number in some plans; it is an amount.
			if (isAmount(text, start, end) || /^\d+[.,]\d{2}$/.test(text.slice(start, end))) continue;
			found.push({ start, end, kind: 'phone' });
		}
	}
	return found;
}

/** A money amount: a currency sign just before, or decimals just after ("$12345678", "12345678.50"). */
function isAmount(text: string, start: number, end: number): boolean {
	const before = text.slice(Math.max(0, start - 2), start);
	return /[$£€¥₹]\s?$/.test(before) || /^[.,]\d{1,2}(?!\d)/.test(text.slice(end, end + 4));
}

function longNumbers(text: string, minDigits: number): Span[] {
	const found: Span[] = [];
	const re = new RegExp(PATTERNS.digits.source, PATTERNS.digits.flags);
	for (let m = re.exec(text); m; m = re.exec(text)) {
		if (m[0].length >= minDigits && !isAmount(text, m.index, m.index + m[0].length))
			found.push({ start: m.index, end: m.index + m[0].length, kind: 'number' });
	}
	return found;
}

/** The order spans claim text in: the most specific kind wins where two overlap. */
const PRIORITY: readonly RedactionKind[] = ['email', 'iban', 'card', 'nationalId', 'phone', 'number'];

/** What a redaction answers: the masked text and how many of each kind it masked. */
export interface Redacted {
	text: string;
	counts: RedactionCounts;
}

/**
 * `redactText(text).text`, cut to `max` characters: a mask can be longer than what it hides
 * ("[national id]" for "AB123456C"), and a stored text must stay within its field's limit.
 */
export function maskWithin(text: string, settings: RedactionSettings, max: number): string {
	const masked = redactText(text, settings).text;
	return masked.length <= max ? masked : `${masked.slice(0, max - 1)}…`;
}

/** The settings a room redacts with; rooms made before redaction existed get the defaults (everything on). */
export function settingsOf(settings: { redaction?: RedactionSettings } | null | undefined): RedactionSettings {
	return settings?.redaction ?? DEFAULT_REDACTION;
}

/**
 * Masks the personal data in one text as the room's settings say. Deterministic, and idempotent: masked
 * text holds nothing to mask again.
 */
export function redactText(text: string, settings: RedactionSettings = DEFAULT_REDACTION): Redacted {
	const counts = noCounts();
	if (!text || settings.kinds.length === 0 || !/[\d@]/.test(text)) return { text, counts };
	const on = new Set(settings.kinds);
	const spans: Span[] = [];
	for (const kind of PRIORITY) {
		if (!on.has(kind)) continue;
		if (kind === 'email') spans.push(...emails(text));
		else if (kind === 'iban') spans.push(...ibans(text));
		else if (kind === 'card') spans.push(...cards(text));
		else if (kind === 'nationalId') spans.push(...nationalIds(text));
		else if (kind === 'phone') spans.push(...phones(text, settings.phoneCountry));
		else spans.push(...longNumbers(text, settings.minDigits));
	}
	if (spans.length === 0) return { text, counts };
	// Claim in priority order (the sort is stable), skipping a span that overlaps one already taken.
	const rank = (k: RedactionKind) => PRIORITY.indexOf(k);
	spans.sort((a, b) => rank(a.kind) - rank(b.kind));
	const taken = new Uint8Array(text.length);
	const chosen: Span[] = [];
	for (const span of spans) {
		let free = true;
		for (let i = span.start; i < span.end && free; i++) free = taken[i] === 0;
		if (!free) continue;
		taken.fill(1, span.start, span.end);
		chosen.push(span);
	}
	chosen.sort((a, b) => a.start - b.start);
	let out = '';
	let at = 0;
	for (const span of chosen) {
		out += text.slice(at, span.start) + MASKS[span.kind];
		at = span.end;
		counts[span.kind]++;
	}
	return { text: out + text.slice(at), counts };
}
