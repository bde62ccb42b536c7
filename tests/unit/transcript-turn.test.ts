/**
 * Transcript lines are read by scans that agree with the expressions they replaced on generated lines,
 * and lines built to make those expressions backtrack for seconds come back at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTranscript as parseCall } from '../../src/lib/components/facilitate/call-transcript';
import { speakerTurn, statedLength } from '../../src/lib/components/shared/transcript-turn';
import { parseTranscript as parseWall } from '../../src/lib/components/wall/transcript';

const WALL_TURN = /^([A-Z][A-Za-z .'-]{0,30}):\s*(.*)$/;
const CALL_TURN = /^([A-Z][A-Z0-9 .'-]{0,39}):\s*(.*)$/;
const LENGTH = /(\d+)\s*min(?:utes?)?\s*(?:(\d+)\s*s)?/i;
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

	it('read the same stated length', () => {
		fc.assert(
			fc.property(line('0123456789 minuteMINSs,x'), (text) => {
				const m = LENGTH.exec(text);
				expect(statedLength(text)).toBe(m ? Number(m[1]) * 60 + Number(m[2] ?? 0) : null);
			}),
			{ numRuns: 10_000, seed: 13 }
		);
		expect(statedLength('Recorded call, inbound, 11 min 42 s.')).toBe(702);
		expect(statedLength('A call of 3 minutes')).toBe(180);
	});
});

describe('pathological transcripts', () => {
	it('come back at once', () => {
		const digits = '1'.repeat(50_000);
		expect(statedLength(digits)).toBeNull();
		expect(parseWall(`${digits}\nAGENT: hello`).durationSec).toBe(10);
		const spaced = `A:${' '.repeat(25_000)}x\ry`;
		expect(parseWall(`About\n${spaced}`).lines).toEqual([{ speaker: null, text: spaced }]);
		expect(parseCall(`A:${' '.repeat(25_000)}x\u2028y`).lines).toEqual([]);
	});
});
