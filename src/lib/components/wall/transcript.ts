/**
 * Following a recorded call's transcript while it plays. Transcripts are plain text: an optional first
 * line about the call ("Recorded call, inbound, 11 min 42 s. ..."), then one line per turn
 * ("AGENT: ...", "CUSTOMER: ..."). There are no timestamps, so the line being spoken is estimated from
 * the share of the call played, spread over the turns by their length.
 */
import { speakerTurn, statedLength } from '../shared/transcript-turn';

export interface TranscriptLine {
	speaker: string | null;
	text: string;
}

export interface Transcript {
	/** The line about the call, if any. */
	about: string | null;
	lines: TranscriptLine[];
	/** The call's length from its "11 min 42 s" note, else an estimate from the words (about 15 characters a second). */
	durationSec: number;
}

/** A speaker's name: a capital, then up to 30 letters, spaces, dots, apostrophes or hyphens. */
const turn = (line: string) => speakerTurn(line, (ch) => /[A-Za-z .'-]/.test(ch), 30);

export function parseTranscript(text: string): Transcript {
	const raw = text
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	let about: string | null = null;
	if (raw[0] && !turn(raw[0])) about = raw.shift() ?? null;
	const lines = raw.map((l): TranscriptLine => turn(l) ?? { speaker: null, text: l });
	const stated = about ? statedLength(about) : null;
	const chars = lines.reduce((n, l) => n + l.text.length, 0);
	const durationSec = stated ?? Math.max(10, Math.round(chars / 15));
	return { about, lines, durationSec };
}

/** The index of the line being spoken at `positionSec` (weighted by line length); -1 before any line. */
export function lineAt(transcript: Transcript, positionSec: number): number {
	const { lines, durationSec } = transcript;
	if (lines.length === 0) return -1;
	const total = lines.reduce((n, l) => n + l.text.length + 20, 0);
	const target = Math.min(1, Math.max(0, positionSec / durationSec)) * total;
	let acc = 0;
	for (let i = 0; i < lines.length; i++) {
		acc += lines[i]!.text.length + 20;
		if (acc >= target) return i;
	}
	return lines.length - 1;
}

/** "4:05" */
export function clock(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
