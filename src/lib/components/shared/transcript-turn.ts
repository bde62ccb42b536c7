/**
 * Reading transcript lines without regular expressions: transcripts are long texts anyone who may
 * curate can write, and the expressions these scans replaced took time growing with the square of a
 * line's length (a 50,000-character transcript could hold every wall for seconds). Each function here
 * reads its text once, left to right.
 */

const isUpper = (ch: string) => ch >= 'A' && ch <= 'Z';
const isDigit = (ch: string) => ch >= '0' && ch <= '9';
const isSpace = (ch: string) => ch.trim() === '';
const LINE_BREAKS = ['\r', '\u2028', '\u2029'];

/**
 * "AGENT: Hello" as `{ speaker: 'AGENT', text: 'Hello' }`: a speaker of a capital and then up to
 * `maxRest` characters that `allowed` accepts, a colon, and the words (spaces after the colon
 * dropped). Null for any other line.
 */
export function speakerTurn(
	line: string,
	allowed: (ch: string) => boolean,
	maxRest: number
): { speaker: string; text: string } | null {
	const colon = line.indexOf(':');
	if (colon < 1 || colon > maxRest + 1 || !isUpper(line[0]!)) return null;
	for (let i = 1; i < colon; i++) if (!allowed(line[i]!)) return null;
	let from = colon + 1;
	while (from < line.length && isSpace(line[from]!)) from++;
	const text = line.slice(from);
	// The words are one line: a break inside them means this is not a turn.
	if (LINE_BREAKS.some((b) => text.includes(b))) return null;
	return { speaker: line.slice(0, colon), text };
}

/** The length a line like "Recorded call, 11 min 42 s" states, in seconds; null if it states none. */
export function statedLength(text: string): number | null {
	for (let i = 0; i < text.length;) {
		if (!isDigit(text[i]!)) {
			i++;
			continue;
		}
		const start = i;
		while (i < text.length && isDigit(text[i]!)) i++;
		const minutes = Number(text.slice(start, i));
		let at = i;
		while (at < text.length && isSpace(text[at]!)) at++;
		if (text.slice(at, at + 3).toLowerCase() !== 'min') continue;
		at += 3;
		if (text.slice(at, at + 3).toLowerCase() === 'ute') at += text[at + 3]?.toLowerCase() === 's' ? 4 : 3;
		while (at < text.length && isSpace(text[at]!)) at++;
		const secondsFrom = at;
		while (at < text.length && isDigit(text[at]!)) at++;
		const seconds = text.slice(secondsFrom, at);
		while (at < text.length && isSpace(text[at]!)) at++;
		return minutes * 60 + (seconds && text[at]?.toLowerCase() === 's' ? Number(seconds) : 0);
	}
	return null;
}
