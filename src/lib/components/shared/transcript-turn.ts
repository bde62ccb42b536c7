/**
 * Reading transcript lines without regular expressions: transcripts are long texts anyone who may
 * curate can write, and the expressions these scans replaced took time growing with the square of a
 * line's length (a 50,000-character transcript could hold every wall for seconds). Each function here
 * reads its text once, left to right.
 */

const isUpper = (ch: string) => ch >= 'A' && ch <= 'Z';
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
