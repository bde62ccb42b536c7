// New this month: the log-likelihood test on document counts, the minimum count, stop words, and an
// order that is the same every time. And the corridor projection: phrases only if the room allows, never verbatims.
import { describe, expect, it } from 'vitest';
import { projectEvent, projectState, type RecordedEvent, type RoomState } from '../../src/lib/domain';
import { findPhrases, logLikelihood, MIN_COUNT, terms, type PhraseVerbatim } from '../../server/text/phrases';
import { phraseInput } from '../../server/text/phrases';
import { NOW, apply, command, furnishedRoom } from '../support/factories';

let n = 0;
const say = (stageId: string, period: string, text: string, itemId = 'cat-1'): PhraseVerbatim => ({
	itemId,
	verbatimId: `v-${++n}`,
	stageId,
	period,
	text
});
const many = (count: number, stageId: string, period: string, text: string) =>
	Array.from({ length: count }, () => say(stageId, period, text));

/** Six months of the usual complaints in stage s1, then `latest` in the seventh. */
const room = (latest: PhraseVerbatim[]) => [
	...['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'].flatMap((p) => [
		...many(4, 's1', p, 'I waited on hold for ages and the card was declined.'),
		...many(2, 's2', p, 'The branch closed early again.')
	]),
	...latest
];

describe('terms', () => {
	it('keeps words and phrases of two or three words, drops stop words, bare numbers and a negator alone', () => {
		expect([...terms('The letter never arrived in 2026!')].sort()).toEqual([
			'arrived',
			'letter',
			'letter never',
			'letter never arrived',
			'never arrived'
		]);
	});
	it('never joins two words across a clause break', () => {
		expect(terms('App crashed. Login failed').has('crashed login')).toBe(false);
	});
});

describe('new phrases', () => {
	it('finds what rose in the stage this month, with the verbatims that hold it', () => {
		const latest = [
			...many(5, 's1', '2026-07', 'The app login fails every morning.'),
			...many(3, 's1', '2026-07', 'I waited on hold for ages.')
		];
		const [s1] = findPhrases(room(latest), ['s1']);
		expect(s1!.period).toBe('2026-07');
		const texts = s1!.phrases.map((p) => p.text);
		// The longest run the same verbatims share, not each of its pieces.
		expect(texts).toEqual(['app login fails', 'every morning']);
		expect(texts).not.toContain('waited'); // usual in earlier months: no rise
		const login = s1!.phrases.find((p) => p.text === 'app login fails')!;
		expect(login).toMatchObject({ count: 5, baseline: 0 });
		expect(login.verbatims.map((v) => v.verbatimId)).toEqual(latest.slice(0, 5).map((v) => v.verbatimId));
	});

	it(`needs at least ${MIN_COUNT} of the month's verbatims: two are an anecdote`, () => {
		const latest = [...many(2, 's1', '2026-07', 'The app login fails.'), ...many(4, 's1', '2026-07', 'Card declined.')];
		const [s1] = findPhrases(room(latest), ['s1']);
		expect(s1!.phrases.map((p) => p.text)).not.toContain('app login');
	});

	it('finds nothing new in a room with no earlier months to compare with', () => {
		const [s1] = findPhrases(many(6, 's1', '2026-07', 'The app login fails.'), ['s1']);
		expect(s1).toEqual({ stageId: 's1', period: '2026-07', phrases: [] });
	});

	it('orders by strength, then count, then alphabet: the same every time, whatever the input order', () => {
		const latest = [
			...many(4, 's1', '2026-07', 'Letter never arrived.'),
			...many(4, 's1', '2026-07', 'Statement never arrived.'),
			...many(6, 's1', '2026-07', 'The app login fails.')
		];
		const forward = findPhrases(room(latest), ['s1']);
		const backward = findPhrases([...room(latest)].reverse(), ['s1']);
		expect(backward).toEqual(forward);
		const phrases = forward[0]!.phrases;
		for (let i = 1; i < phrases.length; i++) {
			const [a, b] = [phrases[i - 1]!, phrases[i]!];
			expect(a.score > b.score || (a.score === b.score && (a.count > b.count || (a.count === b.count && a.text < b.text)))).toBe(
				true
			);
		}
		expect(phrases.map((p) => p.text)).toContain('never arrived');
	});

	it("scores by Dunning's G2: zero without a rise, larger for a rarer baseline", () => {
		expect(logLikelihood(5, 10, 50, 100)).toBeCloseTo(0, 9);
		expect(logLikelihood(5, 10, 0, 100)).toBeGreaterThan(logLikelihood(5, 10, 10, 100));
	});
});

describe('phrases on screens', () => {
	function withPhrases(allow: boolean): RoomState {
		let state = furnishedRoom().state;
		state = apply(
			state,
			command('room.configure', {
				patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', corridorShowsPhrases: allow } }
			})
		);
		return apply(state, command('phrases.record'));
	}

	it("reads the room's verbatims in an order of ids, so every instance reads the same", () => {
		const state = apply(
			furnishedRoom().state,
			command('complaint.quote', {
				categoryId: 'cat-1',
				verbatim: { id: 'v-b', text: 'B', date: '2026-03-01', channel: '', segment: null }
			})
		);
		const input = phraseInput(state);
		expect(input.map((v) => v.itemId + v.verbatimId)).toEqual(input.map((v) => v.itemId + v.verbatimId).sort());
	});

	it('corridor screens get no phrases unless the room allows it, and then without links to verbatims', () => {
		expect(projectState(withPhrases(false), 'corridor').phrases).toEqual({});
		const allowed = projectState(withPhrases(true), 'corridor').phrases['stage-1']!;
		expect(allowed.phrases.map((p) => p.text)).toEqual(['app login']);
		expect(allowed.phrases[0]!.verbatims).toEqual([]);
		expect(projectState(withPhrases(false), 'viewer').phrases['stage-1']!.phrases[0]!.verbatims).toHaveLength(1);
	});

	it('sends a corridor screen a snapshot, not the event, when phrases are recorded or settings change', () => {
		const recorded = (event: RecordedEvent['event']): RecordedEvent => ({
			v: 9,
			commandId: 'c',
			at: NOW,
			actor: { id: 'server', name: 'Customer Room' },
			event
		});
		expect(
			projectEvent(recorded({ type: 'phrases.recorded', stageId: 'stage-1', period: '2026-03', phrases: [] }), 'corridor')
		).toBeNull();
		expect(
			projectEvent(
				recorded({ type: 'room.configured', patch: { settings: { corridorHidesVerbatims: true, theme: 'dark' } } }),
				'corridor'
			)
		).toBeNull();
		expect(projectEvent(recorded({ type: 'room.configured', patch: { name: 'New name' } }), 'corridor')).not.toBeNull();
	});

	it("drops a removed stage's phrases", () => {
		let state = apply(furnishedRoom().state, command('stage.add', { stageId: 'stage-x', name: 'X', customerGoal: '' }));
		state = apply(state, command('phrases.record', { stageId: 'stage-x' }));
		expect(state.phrases['stage-x']).toBeDefined();
		state = apply(state, command('stage.remove', { stageId: 'stage-x' }));
		expect(state.phrases['stage-x']).toBeUndefined();
	});
});
