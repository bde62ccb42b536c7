/**
 * Categorization: readable rules (what a curator sees in the rule editor is what the server applies),
 * the classifier (deterministic, with a confidence that means something), the threshold that decides
 * between "auto" and "To review", and an import file whose rows came without a category.
 */
import { describe, expect, it } from 'vitest';
import { readForRules, ruleMatches, firstMatchingRule, ruleProblem } from '../../src/lib/domain/rules';
import { wordsOf } from '../../src/lib/domain/words';
import { classify, train } from '../../server/text/classify-model';
import { createPlacer } from '../../server/text/classify';
import { importRoomOf, readImport } from '../../server/imports/read-import';
import type { ComplaintMapping } from '../../src/lib/domain';
import { apply, command, furnishedRoom, refusal, waitingForReview } from '../support/factories';

const rule = (all: string[], any: string[] = [], none: string[] = []) => ({ all, any, none });
const catches = (r: ReturnType<typeof rule>, text: string) => ruleMatches(r, readForRules(text));

describe('rules', () => {
	it('catch a verbatim that mentions every "all" term, one "any" term and no "none" term', () => {
		const overdraftFee = rule(['overdraft', 'fee']);
		expect(catches(overdraftFee, 'They took an Overdraft FEE from my account.')).toBe(true);
		// Plurals and case do not matter; word order does not matter across terms.
		expect(catches(overdraftFee, 'Fees for overdrafts again!')).toBe(true);
		expect(catches(overdraftFee, 'An overdraft with no charge.')).toBe(false);
		// A word is a whole word: "feedback" does not mention "fee".
		expect(catches(overdraftFee, 'My overdraft feedback was ignored.')).toBe(false);
		const anyOf = rule([], ['letter', 'statement']);
		expect(catches(anyOf, 'The statement never came.')).toBe(true);
		expect(catches(anyOf, 'Nothing came.')).toBe(false);
		const unless = rule(['card'], [], ['gift card']);
		expect(catches(unless, 'My card was declined.')).toBe(true);
		expect(catches(unless, 'My gift card was declined.')).toBe(false);
	});

	it('match phrases as consecutive words, punctuation and masks aside', () => {
		const r = rule(['never arrived']);
		expect(catches(r, 'The card never arrived.')).toBe(true);
		expect(catches(r, 'The card never, ever arrived.')).toBe(false);
		expect(catches(r, 'Sent to [email] and never   arrived')).toBe(true);
		expect(wordsOf('Write to [email] please')).toEqual(['write', 'to', 'please']);
	});

	it('say what is wrong with a rule that cannot work', () => {
		expect(ruleProblem(rule([], [], ['spam']))).toMatch(/at least one word/);
		expect(ruleProblem(rule(['!!!']))).toMatch(/no word/);
		expect(ruleProblem(rule(['one two three four five']))).toMatch(/longer than 4 words/);
		expect(ruleProblem(rule(['late fee']))).toBeNull();
	});

	it('are tried in order, and only those whose category is on the verbatim’s stage', () => {
		const rules = [
			{ id: 'r-other-stage', categoryId: 'c-elsewhere', ...rule(['fee']) },
			{ id: 'r-first', categoryId: 'c-fees', ...rule(['fee']) },
			{ id: 'r-second', categoryId: 'c-overdraft', ...rule(['overdraft']) }
		];
		const categories = { 'c-elsewhere': { stageId: 's2' }, 'c-fees': { stageId: 's1' }, 'c-overdraft': { stageId: 's1' } };
		expect(firstMatchingRule(rules, categories, 's1', readForRules('An overdraft fee'))?.id).toBe('r-first');
		expect(firstMatchingRule(rules, categories, 's2', readForRules('An overdraft fee'))?.id).toBe('r-other-stage');
		expect(firstMatchingRule(rules, categories, 's1', readForRules('Nothing to see'))).toBeNull();
	});

	it('read a long hostile text in one pass (a million characters of one letter)', () => {
		const text = `${'a'.repeat(1_000_000)} fee`;
		// No time assertion (the machine is shared): the point is that it finishes, and correctly.
		expect(catches(rule(['fee']), text)).toBe(true);
	});
});

const EXAMPLES = [
	{ label: 'fees', text: 'I was charged an overdraft fee I did not expect' },
	{ label: 'fees', text: 'Unexpected monthly maintenance fee on my checking account' },
	{ label: 'fees', text: 'They charged a late fee even though I paid on time' },
	{ label: 'card', text: 'My new debit card never arrived in the mail' },
	{ label: 'card', text: 'The replacement card was not delivered after three weeks' },
	{ label: 'card', text: 'Card never came, still waiting for delivery' },
	{ label: 'app', text: 'The mobile app keeps crashing when I log in' },
	{ label: 'app', text: 'Cannot log in to the app, password reset fails' },
	{ label: 'app', text: 'App login error every morning' }
];

describe('the classifier', () => {
	it('is deterministic: the same examples in any order give the same suggestions and confidences', () => {
		const a = train(EXAMPLES);
		const b = train([...EXAMPLES].reverse());
		for (const text of ['charged a fee', 'card not delivered', 'app crash on login', 'something else entirely'])
			expect(classify(b, text)).toEqual(classify(a, text));
	});

	it('suggests the right category, with confidences that sum to one and are higher for a clearer text', () => {
		const model = train(EXAMPLES);
		const clear = classify(model, 'Another overdraft fee charged, and a late fee');
		expect(clear[0]!.label).toBe('fees');
		const sum = clear.reduce((s, x) => s + x.confidence, 0);
		expect(sum).toBeGreaterThan(0.9);
		expect(sum).toBeLessThanOrEqual(1);
		expect(classify(model, 'The card never arrived')[0]!.label).toBe('card');
		expect(classify(model, 'app login fails')[0]!.label).toBe('app');
		const vague = classify(model, 'I am not happy with the bank');
		expect(vague[0]!.confidence).toBeLessThan(clear[0]!.confidence);
		// A text with no word the examples had is sure of nothing, and suggests every category alike.
		const unknown = classify(model, 'zebra quantum');
		expect(unknown[0]!.confidence).toBeLessThan(0.1);
		expect(new Set(unknown.map((s) => s.confidence)).size).toBe(1);
	});

	it('has nothing to suggest without examples; with one category, is sure only of a text like its examples', () => {
		expect(classify(train([]), 'anything')).toEqual([]);
		const one = train([{ label: 'only', text: 'an overdraft fee' }]);
		expect(classify(one, 'the overdraft fee')[0]!.confidence).toBeGreaterThan(0.9);
		expect(classify(one, 'a parking ticket')[0]!.confidence).toBeLessThan(0.1);
	});
});

describe('placing a verbatim: rules, then the classifier above the threshold, else To review', () => {
	const categories = { fees: { stageId: 's1' }, card: { stageId: 's1' }, app: { stageId: 's1' } };
	const examples = EXAMPLES.map((e) => ({ categoryId: e.label, text: e.text }));
	const rules = [{ id: 'r-app', categoryId: 'app', ...rule(['password']) }];

	it('lets a rule decide first, whatever the classifier would say', () => {
		const place = createPlacer({ rules, categories, examples, threshold: 0.8 });
		expect(place('s1', 'My password reset for the overdraft fee page')).toMatchObject({
			placed: true,
			categoryId: 'app',
			how: { how: 'rule', ruleId: 'r-app' }
		});
	});

	it('takes the classifier’s choice at or above the threshold, and queues it below with suggestions', () => {
		const text = 'Another overdraft fee charged, and a late fee';
		const best = classify(train(EXAMPLES), text)[0]!;
		const sure = createPlacer({ rules: [], categories, examples, threshold: 0.5 })('s1', text);
		expect(sure).toMatchObject({ placed: true, categoryId: 'fees', how: { how: 'model' } });
		if (sure.placed && sure.how.how === 'model') expect(sure.how.confidence).toBe(Math.floor(best.confidence * 1000) / 1000);
		const strict = createPlacer({ rules: [], categories, examples, threshold: 1 })('s1', text);
		expect(strict.placed).toBe(false);
		expect(strict.suggestions).toHaveLength(3);
		expect(strict.suggestions[0]!.categoryId).toBe('fees');
	});

	it('never suggests a category of another stage', () => {
		const place = createPlacer({ rules: [], categories: { ...categories, fees: { stageId: 's2' } }, examples, threshold: 0.99 });
		const decision = place('s1', 'an overdraft fee');
		expect(decision.suggestions.map((s) => s.categoryId).sort()).toEqual(['app', 'card']);
	});
});

describe('an import whose rows came without a category', () => {
	const col = (index: number, name: string) => ({ index, name });
	const mapping: ComplaintMapping = {
		kind: 'complaints',
		hasHeader: true,
		dateColumn: col(0, 'Date'),
		dateFormat: 'auto',
		idColumn: col(1, 'Id'),
		segmentColumn: null,
		categoryColumn: col(2, 'Category'),
		channelColumn: null,
		textColumn: col(3, 'Text'),
		stageRules: [],
		defaultStageId: 'stage-1',
		classify: true
	};
	const file = [
		'Date,Id,Category,Text',
		...EXAMPLES.map((e, i) => `2025-03-0${(i % 9) + 1},k${i},${e.label},"${e.text}"`),
		'2025-03-10,u1,,They charged me an overdraft fee again',
		'2025-03-11,u2,,I changed my password and now nothing works',
		'2025-03-12,u3,,Just unhappy',
		'2025-03-13,u4,,'
	].join('\n');

	async function read(state = withRule()) {
		const room = importRoomOf(state);
		return readImport({ state: room, mapping, text: file, delimiter: ',', seen: new Set() });
	}
	function withRule() {
		return apply(
			furnishedRoom().state,
			command('rule.save', { ruleId: 'r-pw', categoryId: 'cat-1', all: ['password'], any: [], none: [] })
		);
	}

	it('places rows by rule and by the classifier, queues the unsure ones, and refuses rows with no text', async () => {
		const { delta, summary } = await read();
		const byId = new Map(delta.placements.map((p) => [p.verbatimId, p]));
		const placedIds = [...byId.keys()];
		expect(placedIds.length + delta.toReview.length).toBe(3);
		const rulePlaced = delta.placements.find((p) => p.placed.how === 'rule');
		expect(rulePlaced).toMatchObject({ categoryId: 'cat-1', placed: { how: 'rule', ruleId: 'r-pw' } });
		expect(summary.errors).toBe(1);
		expect(summary.errorList[0]!.reason).toMatch(/no category .* and no text/);
		expect(summary.notes.join(' ')).toMatch(/3 rows came without a category\. Placed by rules: 1\./);
		// "Just unhappy" is like nothing the room knows: it waits for a person.
		expect(delta.toReview.map((i) => i.verbatim.text)).toContain('Just unhappy');
		for (const item of delta.toReview) expect(item.stageId).toBe('stage-1');
	});

	it('applies as one event that counts the placed rows and fills the queue; a person then places the rest', async () => {
		const state = withRule();
		const { delta } = await read(state);
		const imported = apply(state, { ...command('import.apply'), delta: { ...delta }, added: 12 });
		const placedIn = (id: string) => Object.values(imported.complaints).find((c) => c.verbatims.some((v) => v.id === id));
		const rulePlaced = delta.placements.find((p) => p.placed.how === 'rule')!;
		expect(placedIn(rulePlaced.verbatimId)?.verbatims.find((v) => v.id === rulePlaced.verbatimId)?.placed).toEqual({
			how: 'rule',
			ruleId: 'r-pw'
		});
		expect(imported.toReview.length).toBe(delta.toReview.length);
		const waiting = imported.toReview[0]!;
		const before = imported.complaints['cat-1']!.counts[waiting.period] ?? 0;
		const reviewed = apply(imported, command('review.place', { verbatimId: waiting.verbatim.id, categoryId: 'cat-1' }));
		expect(reviewed.toReview.some((i) => i.verbatim.id === waiting.verbatim.id)).toBe(false);
		expect(reviewed.complaints['cat-1']!.counts[waiting.period]).toBe(before + 1);
		expect(reviewed.complaints['cat-1']!.verbatims.find((v) => v.id === waiting.verbatim.id)?.placed).toEqual({
			how: 'person',
			by: expect.any(String)
		});
		// Placed once: a second key press (or a second curator) is told, and nothing counts twice.
		expect(refusal(reviewed, command('review.place', { verbatimId: waiting.verbatim.id, categoryId: 'cat-1' })).code).toBe(
			'conflict'
		);
	});

	it('keeps rows without a category as errors when the mapping does not ask to classify', async () => {
		const room = importRoomOf(withRule());
		const { summary, delta } = await readImport({
			state: room,
			mapping: { ...mapping, classify: false },
			text: file,
			delimiter: ',',
			seen: new Set()
		});
		expect(summary.errors).toBe(4);
		expect(delta.placements).toEqual([]);
		expect(delta.toReview).toEqual([]);
	});
});

describe('rules and the review queue as room state', () => {
	it('keeps rules in the order given, rewrites one in place, and drops those of a removed category', () => {
		let s = furnishedRoom().state;
		s = apply(s, command('rule.save', { ruleId: 'a', all: ['fee'] }));
		s = apply(s, command('rule.save', { ruleId: 'b', all: ['card'], index: 0 }));
		expect(s.rules.map((r) => r.id)).toEqual(['b', 'a']);
		s = apply(s, command('rule.save', { ruleId: 'a', all: ['late fee'] }));
		expect(s.rules.map((r) => [r.id, r.all])).toEqual([
			['b', ['card']],
			['a', ['late fee']]
		]);
		expect(refusal(s, command('rule.save', { ruleId: 'c', all: [], any: [] })).code).toBe('rule_violation');
		expect(refusal(s, command('rule.save', { ruleId: 'c', categoryId: 'nope' })).code).toBe('not_found');
		s = apply(s, command('complaint.remove', { categoryId: 'cat-1' }));
		expect(s.rules).toEqual([]);
	});

	it('refuses to place a waiting verbatim in a category of another stage', () => {
		let s = apply(furnishedRoom().state, waitingForReview());
		s = apply(s, command('stage.add', { stageId: 'stage-x', name: 'Elsewhere', customerGoal: '' }));
		s = apply(s, command('complaint.define', { categoryId: 'cat-x', stageId: 'stage-x', name: 'Other' }));
		expect(refusal(s, command('review.place', { categoryId: 'cat-x' })).code).toBe('rule_violation');
	});
});
