// Following a recorded call without timestamps: lines spread over the duration by length, read-along pace.
import { describe, expect, it } from 'vitest';
import {
	LINE_PAUSE_CHARS,
	callAudioUrl,
	callDuration,
	isPlayableCall,
	lineAt,
	parseTranscript,
	positionNow,
	readAlongSeconds,
	timeLines
} from '../../src/lib/components/facilitate/call-transcript';
import { clockSkew, serverNow } from '../../src/lib/client/server-clock';
import { command } from '../support/factories';
import type { Artifact } from '../../src/lib/domain';

const CALL = `Recorded call, inbound, 2 min. Agent: Jordan.
AGENT: Thank you for calling.
CUSTOMER: It keeps failing at the ID bit and I have tried four times.

AGENT: Let me look.
[End of call]`;

function artifact(overrides: Partial<Artifact> = {}): Artifact {
	const { type: _t, artifactId, ...fields } = command('artifact.add', { kind: 'audio', url: '/demo/call.svg', transcript: CALL });
	return { id: artifactId, ...fields, file: null, ...overrides };
}

describe('parseTranscript', () => {
	it('keeps the header apart, drops stage directions and blank lines', () => {
		const t = parseTranscript(CALL);
		expect(t.header).toBe('Recorded call, inbound, 2 min. Agent: Jordan.');
		expect(t.lines).toEqual([
			{ speaker: 'AGENT', text: 'Thank you for calling.' },
			{ speaker: 'CUSTOMER', text: 'It keeps failing at the ID bit and I have tried four times.' },
			{ speaker: 'AGENT', text: 'Let me look.' }
		]);
	});
});

describe('timeLines and lineAt', () => {
	const { lines } = parseTranscript(CALL);
	const timed = timeLines(lines, 20);

	it('spreads the duration in proportion to each line’s length plus a pause', () => {
		const weights = lines.map((l) => l.text.length + LINE_PAUSE_CHARS);
		const total = weights.reduce((a, b) => a + b, 0);
		expect(timed[0]!.startSec).toBe(0);
		expect(timed[0]!.endSec).toBeCloseTo((20 * weights[0]!) / total, 9);
		expect(timed[1]!.startSec).toBe(timed[0]!.endSec);
		expect(timed[2]!.endSec).toBeCloseTo(20, 9);
	});

	it('finds the line being spoken', () => {
		expect(lineAt(timed, -1)).toBe(-1);
		expect(lineAt(timed, 0)).toBe(0);
		expect(lineAt(timed, timed[1]!.startSec + 0.01)).toBe(1);
		expect(lineAt(timed, 999)).toBe(2);
		expect(lineAt([], 3)).toBe(-1);
	});

	it('reads along at 150 words a minute', () => {
		// 4 + 13 + 3 = 20 words: 8 seconds.
		expect(readAlongSeconds(lines)).toBe(8);
	});
});

describe('positionNow', () => {
	it('counts on from when the call (re)started, and stands still when paused', () => {
		const since = '2026-03-05T14:00:00.000Z';
		expect(positionNow({ artifactId: 'a', positionSec: 10, since, durationSec: null }, Date.parse(since) + 2_500)).toBe(12.5);
		expect(positionNow({ artifactId: 'a', positionSec: 10, since: null, durationSec: null }, Date.parse(since) + 60_000)).toBe(
			10
		);
	});
});

describe('a wall following the facilitator’s recording', () => {
	// The facilitator's player said "playing from 5 s of a 104 s recording" at 14:00:00 by the server.
	const since = '2026-03-05T14:00:00.000Z';
	const playing = { artifactId: 'a', positionSec: 5, since, durationSec: 104 };
	const transcript = 'Recorded call, inbound, 11 min 42 s.\nAGENT: Thanks for calling.\nCUSTOMER: My card was declined twice.';

	it('takes the length from the recording, not from what the transcript says about it', () => {
		const lines = parseTranscript(transcript).lines;
		expect(callDuration(playing, lines)).toBe(104);
		// Read along (no recording), the length is the time reading it aloud takes, as on the facilitator's screen.
		expect(callDuration({ ...playing, durationSec: null }, lines)).toBe(readAlongSeconds(lines));
	});

	it('is where the recording is by the server’s clock, however far off the wall’s own clock is', () => {
		const serverAt = Date.parse(since) + 9_000;
		// A TV whose clock runs 7 minutes fast (and one 30 s slow) heard server:hello stamped at serverAt,
		// 40 ms after asking; 9 s later by the server, both show 0:14, as the facilitator does.
		for (const offset of [7 * 60_000, -30_000]) {
			const tvNow = serverAt + offset;
			const skew = clockSkew(serverAt, tvNow + 20, tvNow - 20);
			expect(skew).toBe(-offset);
			expect(positionNow(playing, serverNow(tvNow, skew), 104)).toBe(14);
			// By its own clock it would have been minutes off (or stuck at the start).
			expect(positionNow(playing, tvNow, 104)).not.toBe(14);
		}
	});

	it('never runs past the end of the recording, nor before its start', () => {
		expect(positionNow(playing, Date.parse(since) + 10 * 60_000, 104)).toBe(104);
		expect(positionNow({ ...playing, positionSec: 0 }, Date.parse(since) - 5_000, 104)).toBe(0);
	});
});

describe('callAudioUrl', () => {
	it('plays uploads and audio links, and reads along for everything else', () => {
		expect(callAudioUrl(artifact({ blobId: 'ab'.repeat(32) }))).toBe(`/api/blobs/${'ab'.repeat(32)}`);
		expect(callAudioUrl(artifact({ url: '/demo/calls/call-stuck-at-id.ogg' }))).toBe('/demo/calls/call-stuck-at-id.ogg');
		expect(callAudioUrl(artifact())).toBeNull();
		expect(isPlayableCall(artifact())).toBe(true);
		expect(isPlayableCall(artifact({ kind: 'image' }))).toBe(false);
		expect(isPlayableCall(artifact({ transcript: '' }))).toBe(false);
	});
});
