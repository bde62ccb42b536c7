/**
 * Masking what a room holds (`room.redact`) scores the rewritten verbatims' tone again: a word of the
 * lexicon inside an e-mail address ("happy" in happy.customer@example.com) no longer counts once the
 * address is "[email]", and the month's tone counts move with it, in the same event.
 */
import { describe, expect, it } from 'vitest';
import { prepareRedaction } from '../../server/text/redact-room';
import { sentimentScore } from '../../server/text/sentiment';
import { apply, command, furnishedRoom, waitingForReview } from '../support/factories';
import type { RoomState, Verbatim } from '../../src/lib/domain';

const HAPPY_ADDRESS = 'Write to happy.customer@example.com about the refund';
const BAD_ADDRESS = 'Reply to bad.debt@bank.example about my loan';

/** A verbatim as the server stores it: scored on the words it came with. */
const scored = (id: string, text: string, date = '2026-02-14'): Verbatim => ({
	id,
	text,
	date,
	channel: 'web',
	segment: null,
	sentiment: sentimentScore(text)
});

function roomHolding(): RoomState {
	let state = furnishedRoom().state;
	state = apply(state, command('complaint.quote', { categoryId: 'cat-1', verbatim: scored('q-happy', HAPPY_ADDRESS) }));
	state = apply(state, command('complaint.quote', { categoryId: 'cat-1', verbatim: scored('q-plain', 'The refund took weeks') }));
	state = apply(state, command('survey.quote', { surveyId: 'survey-1', verbatim: scored('q-bad', BAD_ADDRESS) }));
	return state;
}

describe('masking a room rescores the tone of what it rewrites', () => {
	it('finds real cases: the address carries the tone, the masked text does not', () => {
		expect(sentimentScore(HAPPY_ADDRESS)).toBeGreaterThan(0);
		expect(sentimentScore(BAD_ADDRESS)).toBeLessThan(0);
		expect(sentimentScore('Write to [email] about the refund')).toBe(0);
	});

	it('carries the new scores in the event, and moves the month tone counts by the difference', () => {
		const state = roomHolding();
		expect(state.complaints['cat-1']!.tone?.['2026-02']).toMatchObject({ positive: 1, neutral: 1, negative: 0 });
		expect(state.surveys['survey-1']!.tone?.['2026-02']).toMatchObject({ negative: 1 });
		const prepared = prepareRedaction(state);
		expect(prepared.rewrites.complaintQuotes).toEqual([
			{ categoryId: 'cat-1', verbatimId: 'q-happy', text: 'Write to [email] about the refund', sentiment: 0 }
		]);
		const masked = apply(state, command('room.redact', { prepared }));
		const happy = masked.complaints['cat-1']!.verbatims.find((v) => v.id === 'q-happy')!;
		expect(happy).toMatchObject({ text: 'Write to [email] about the refund', sentiment: 0 });
		expect(masked.complaints['cat-1']!.tone?.['2026-02']).toEqual({ positive: 0, neutral: 2, negative: 0 });
		expect(masked.surveys['survey-1']!.tone?.['2026-02']).toMatchObject({ negative: 0, neutral: 1 });
	});

	it('masks and rescores a verbatim waiting in To review (it counts in no tone until placed)', () => {
		let state = roomHolding();
		state = { ...state, toReview: [{ ...waitingForReview().delta.toReview[0]!, verbatim: scored('q-queued', HAPPY_ADDRESS) }] };
		const prepared = prepareRedaction(state);
		expect(prepared.rewrites.toReview).toEqual([
			{ verbatimId: 'q-queued', text: 'Write to [email] about the refund', sentiment: 0 }
		]);
		const masked = apply(state, command('room.redact', { prepared }));
		expect(masked.toReview[0]!.verbatim).toMatchObject({ text: 'Write to [email] about the refund', sentiment: 0 });
		const placed = apply(masked, command('review.place', { verbatimId: 'q-queued', categoryId: 'cat-1' }));
		expect(placed.complaints['cat-1']!.tone?.['2026-02']).toEqual({ positive: 0, neutral: 3, negative: 0 });
	});

	it('leaves counts of verbatims no longer kept as they were, and an unscored verbatim unscored', () => {
		let state = roomHolding();
		// An import counted 40 rows' tone in this month; the category keeps only its newest few verbatims.
		state = {
			...state,
			complaints: {
				...state.complaints,
				'cat-1': {
					...state.complaints['cat-1']!,
					tone: { '2026-02': { positive: 21, neutral: 19, negative: 0 } },
					verbatims: [
						...state.complaints['cat-1']!.verbatims,
						{ id: 'q-old', text: 'Mail happy@example.com', date: '2026-02-01', channel: '', segment: null }
					]
				}
			}
		};
		const prepared = prepareRedaction(state);
		const old = prepared.rewrites.complaintQuotes.find((r) => r.verbatimId === 'q-old')!;
		expect(old.sentiment).toBeUndefined();
		const masked = apply(state, command('room.redact', { prepared }));
		expect(masked.complaints['cat-1']!.tone?.['2026-02']).toEqual({ positive: 20, neutral: 20, negative: 0 });
		expect(masked.complaints['cat-1']!.verbatims.find((v) => v.id === 'q-old')).not.toHaveProperty('sentiment');
	});
});
