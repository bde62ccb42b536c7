/**
 * A recorded customer call, for playing in the room: where its audio is, its transcript split into
 * spoken lines, and which line is being spoken at a given moment. Pure, so the facilitator's screen and
 * every wall compute the same line from the same `nowPlaying`.
 *
 * Following the audio without timestamps: transcripts carry no times, so each spoken line gets a share
 * of the call's duration proportional to its length in characters, plus a fixed allowance for the pause
 * when the speaker changes (LINE_PAUSE_CHARS). Measured on synthesized speech this lands within a second
 * of the real line starts; on real recordings it drifts where people pause or talk over each other,
 * which is acceptable for reading along. Header lines ("Recorded call, inbound, …") and stage
 * directions ("[End of call]") take no time.
 *
 * Without audio (the demo's calls, or a transcript-only artifact) the room reads along at speaking pace,
 * READ_ALONG_WPM words a minute.
 */
import type { Artifact, NowPlaying } from '$lib/domain';
import { speakerTurn } from '../shared/transcript-turn';
import { artifactLink } from '$lib/components/wall/artifact-view';

/** Speaking pace for read-along mode: about the pace of a calm phone conversation. */
export const READ_ALONG_WPM = 150;
/** Each line's weight gets this many characters on top of its own: the turn-taking pause. */
export const LINE_PAUSE_CHARS = 8;

export interface TranscriptLine {
	/** "AGENT", "CUSTOMER"…, or null for a spoken line without a speaker label. */
	speaker: string | null;
	text: string;
}

export interface Transcript {
	/** Lines before the first spoken line (what the call is, who took it). */
	header: string;
	lines: TranscriptLine[];
}

export interface TimedLine extends TranscriptLine {
	startSec: number;
	endSec: number;
}

/** A speaker's label: a capital, then up to 39 capitals, digits, spaces, dots, apostrophes or hyphens. */
const turn = (line: string) => speakerTurn(line, (ch) => /[A-Z0-9 .'-]/.test(ch), 39);
const DIRECTION = /^\[.*\]$/;
const AUDIO_EXTENSION = /\.(ogg|oga|opus|mp3|m4a|aac|wav|webm|flac)(\?.*)?$/i;

/** Splits a transcript into its header and spoken lines. */
export function parseTranscript(text: string): Transcript {
	const header: string[] = [];
	const lines: TranscriptLine[] = [];
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		if (!line || DIRECTION.test(line)) continue;
		const match = turn(line);
		if (match) lines.push({ speaker: match.speaker.trim(), text: match.text.trim() });
		else if (lines.length === 0) header.push(line);
		else lines.push({ speaker: null, text: line });
	}
	return { header: header.join(' '), lines: lines.filter((l) => l.text.length > 0) };
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** How long reading the transcript aloud takes at READ_ALONG_WPM, in seconds (at least one second). */
export function readAlongSeconds(lines: readonly TranscriptLine[]): number {
	const total = lines.reduce((sum, l) => sum + words(l.text), 0);
	return Math.max(1, Math.round((total / READ_ALONG_WPM) * 60));
}

/** Spreads the lines over `durationSec`, each in proportion to its length (see the module comment). */
export function timeLines(lines: readonly TranscriptLine[], durationSec: number): TimedLine[] {
	const weights = lines.map((l) => l.text.length + LINE_PAUSE_CHARS);
	const total = weights.reduce((a, b) => a + b, 0);
	const duration = Math.max(0, durationSec);
	let start = 0;
	return lines.map((line, i) => {
		const length = total > 0 ? (duration * weights[i]!) / total : 0;
		const timed = { ...line, startSec: start, endSec: start + length };
		start += length;
		return timed;
	});
}

/** The index of the line spoken at `positionSec`: -1 before the call starts; the last line at or after the end. */
export function lineAt(timed: readonly TimedLine[], positionSec: number): number {
	if (timed.length === 0 || positionSec < 0) return -1;
	for (let i = 0; i < timed.length; i++) if (positionSec < timed[i]!.endSec) return i;
	return timed.length - 1;
}

/**
 * Where a call is now: `positionSec` when paused, else `positionSec` plus the time since `since`, never
 * past `durationSec`. `serverNowMs` is the server's time (`since` is stamped by it): a screen passes
 * `store.serverNow()`, its own clock corrected by the skew `server:hello` gave, so a TV whose clock is
 * minutes off still shows where the facilitator's recording is.
 */
export function positionNow(playing: NowPlaying, serverNowMs: number, durationSec = Infinity): number {
	const at =
		playing.since === null ? playing.positionSec : playing.positionSec + (serverNowMs - Date.parse(playing.since)) / 1000;
	return Math.min(durationSec, Math.max(0, at));
}

/**
 * How long a playing call is: the recording's real length, as the facilitator's player reported it with
 * `call.play`, else (a transcript read along, no recording) the time reading it aloud takes. Never a
 * length written in the transcript's text: "11 min 42 s" in a header is about some other recording.
 */
export function callDuration(playing: NowPlaying, lines: readonly TranscriptLine[]): number {
	return playing.durationSec ?? readAlongSeconds(lines);
}

/** The artifact's audio, if it has real audio: an uploaded file or a link to an audio file. */
export function callAudioUrl(artifact: Artifact): string | null {
	if (artifact.blobId && (artifact.kind === 'audio' || artifact.kind === 'video')) return `/api/blobs/${artifact.blobId}`;
	const link = artifactLink(artifact);
	if (link && AUDIO_EXTENSION.test(link)) return link;
	return null;
}

/** Whether an artifact is a call the room can play: a recording, or a transcript to read along. */
export function isPlayableCall(artifact: Artifact): boolean {
	if (artifact.kind !== 'audio' && artifact.kind !== 'video') return false;
	return callAudioUrl(artifact) !== null || parseTranscript(artifact.transcript).lines.length > 0;
}

/** "1:05" */
export function clock(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
