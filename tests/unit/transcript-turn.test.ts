/**
 * Transcript lines are read by scans that agree with the expressions they replaced on generated lines,
 * and lines built to make those expressions backtrack for seconds come back at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTranscript as parseCall } from '../../src/lib/components/facilitate/call-transcript';
import { speakerTurn } from '../../src/lib/components/shared/transcript-turn';

const WALL_TURN = /^([A-Z][A-Za-z .'-]{0,30}):\s*(.*)$/;
const CALL_TURN = /^([A-Z][A-Z0-9 .'-]{0,39}):\s*(.*)$/;
const line = (alphabet: string) => fc.array(fc.constantFrom(...alphabet), { maxLength: 50 }).map((c) => c.join(''));

describe('transcript lines against the expressions they replaced', () => {
	it('find the same speakers and words', () => {
		for (const [pattern, allowed, max] of [
			[WALL_TURN, (ch: string) => /[A-Za-z .'-]/.test(ch), 30],
			[CALL_TURN, (ch: string) => /[A-Z0-9 .'-]/.test(ch), 39]
		] as const) {
			fc.assert(
				fc.property(line("AGENTaz09 .'-:\r\u2028x"), (text) => {
					const m = pattern.exec(text);
					expect(speakerTurn(text, allowed, max)).toEqual(m ? { speaker: m[1], text: m[2] } : null);
				}),
				{ numRuns: 10_000, seed: 13 }
			);
		}
	});
});

describe('pathological transcripts', () => {
	it('come back at once', () => {
		expect(parseCall(`A:${' '.repeat(25_000)}x\u2028y`).lines).toEqual([]);
	});
});
