// Following a recorded call without timestamps: lines spread over the duration by length, read-along pace.
import { describe, expect, it } from 'vitest';
import {
	LINE_PAUSE_CHARS,
	callAudioUrl,
	isPlayableCall,
	lineAt,
	parseTranscript,
	positionNow,
	readAlongSeconds,
	timeLines
} from '../../src/lib/components/facilitate/call-transcript';
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
