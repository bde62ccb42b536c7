/**
 * Survey comments sorted into complaint categories: a survey import may also send the comments it reads
 * (all of them, those below the top box, or an NPS survey's detractors) through the placing step of a
 * complaint row without a category: a rule, then the classifier above the room's threshold, else To
 * review. Placed comments count in their category's month with their tone; each says it is a survey
 * comment.
 */
import { describe, expect, it } from 'vitest';
import { commentChosen, topBoxStart } from '../../src/lib/domain/metrics';
import { checkMapping, importRoomOf, readImport, SURVEY_COMMENT } from '../../server/imports/read-import';
import { redactCommand } from '../../server/text/redact-command';
import type { ComplaintMapping, RoomState, SurveyMapping } from '../../src/lib/domain';
import { apply, buildRoom, command, furnishedRoom, waitingForReview } from '../support/factories';

const col = (index: number, name: string) => ({ index, name });

/** Categorized complaints of stage 1 the classifier learns from: fees, cards, the app. */
const EXAMPLES = [
	{ label: 'Fees', text: 'I was charged an overdraft fee I did not expect' },
	{ label: 'Fees', text: 'Unexpected monthly maintenance fee on my checking account' },
	{ label: 'Fees', text: 'They charged a late fee even though I paid on time' },
	{ label: 'Card', text: 'My new debit card never arrived in the mail' },
	{ label: 'Card', text: 'The replacement card was not delivered after three weeks' },
	{ label: 'Card', text: 'Card never came, still waiting for delivery' },
	{ label: 'App', text: 'The mobile app keeps crashing when I log in' },
	{ label: 'App', text: 'Cannot log in to the app, password reset fails' },
	{ label: 'App', text: 'App login error every morning' }
];

/** Stage 1 with categories learned from EXAMPLES, a rule ("password" -> cat-1) and the NPS survey survey-1. */
async function roomWithCategories(): Promise<RoomState> {
	const state = apply(
		furnishedRoom().state,
		command('rule.save', { ruleId: 'r-pw', categoryId: 'cat-1', all: ['password'], any: [], none: [] })
	);
	const mapping: ComplaintMapping = {
		kind: 'complaints',
		hasHeader: true,
		dateColumn: col(0, 'Date'),
		dateFormat: 'auto',
		idColumn: null,
		segmentColumn: null,
		categoryColumn: col(1, 'Category'),
		channelColumn: null,
		textColumn: col(2, 'Text'),
		stageRules: [],
		defaultStageId: 'stage-1'
	};
	const file = ['Date,Category,Text', ...EXAMPLES.map((e) => `2025-02-01,${e.label},"${e.text}"`)].join('\n');
	const { delta } = await readImport({ state: importRoomOf(state), mapping, text: file, delimiter: ',', seen: new Set() });
	return apply(state, { ...command('import.apply'), importId: 'import-examples', delta, added: EXAMPLES.length });
}

const surveyMapping = (classifyComments: SurveyMapping['classifyComments'], surveyId = 'survey-1'): SurveyMapping => ({
	kind: 'surveys',
	hasHeader: true,
	dateColumn: col(0, 'Date'),
	dateFormat: 'auto',
	idColumn: col(1, 'Id'),
	segmentColumn: col(4, 'Segment'),
	surveyId,
	newSurvey: null,
	scoreColumn: col(2, 'Score'),
	countColumn: null,
	textColumn: col(3, 'Comment'),
	classifyComments
});

const SURVEY_FILE = [
	'Date,Id,Score,Comment,Segment',
	// A detractor the rule places, one the classifier places, one nothing places surely enough.
	'2025-03-10,r1,2,"I changed my password and the app is terrible",Premier',
	'2025-03-11,r2,3,"Another overdraft fee charged, and a late fee on top",',
	'2025-03-12,r3,0,"Just unhappy",',
	// A passive and a promoter: not detractors.
	'2025-03-13,r4,8,"The card never arrived in the mail",',
	'2025-03-14,r5,10,"Lovely people in the branch",',
	// A detractor without a comment: nothing to sort.
	'2025-03-15,r6,1,,'
].join('\n');

async function readSurvey(state: RoomState, mapping: SurveyMapping, text = SURVEY_FILE) {
	return readImport({ state: importRoomOf(state), mapping, text, delimiter: ',', seen: new Set() });
}

describe('which comments a survey import sorts', () => {
	it('reads "below the top box" as each survey’s headline does, and detractors as NPS 0-6', () => {
		const nps = { kind: 'nps' as const, scale: { min: 0, max: 10 } };
		expect(topBoxStart(nps)).toBe(9);
		expect(topBoxStart({ kind: 'csat', scale: { min: 1, max: 5 } })).toBe(5);
		expect(topBoxStart({ kind: 'ces', scale: { min: 1, max: 7 } })).toBe(5);
		expect(topBoxStart({ kind: 'custom', scale: { min: 1, max: 5 }, topBoxFrom: 4 })).toBe(4);
		expect(commentChosen(nps, 'detractors', 6)).toBe(true);
		expect(commentChosen(nps, 'detractors', 7)).toBe(false);
		expect(commentChosen(nps, 'belowTopBox', 8)).toBe(true);
		expect(commentChosen(nps, 'belowTopBox', 9)).toBe(false);
		expect(commentChosen(nps, 'all', 10)).toBe(true);
	});

	it('refuses detractors for a survey that is not NPS, with what to choose instead', () => {
		const { state } = buildRoom({ stages: 1, surveysPerStage: 0 });
		const csat = apply(
			state,
			command('survey.define', { surveyId: 'csat-1', kind: 'csat', scale: { min: 1, max: 5 }, stageId: 'stage-1' })
		);
		expect(checkMapping(importRoomOf(csat), surveyMapping('detractors', 'csat-1'))).toMatch(/Only an NPS survey has detractors/);
		expect(checkMapping(importRoomOf(csat), surveyMapping('belowTopBox', 'csat-1'))).toBeNull();
	});
});

describe('a survey import that sorts its comments into complaint categories', () => {
	it('places detractors’ comments by rule and by the classifier, queues the unsure one, and says so in the preview', async () => {
		const state = await roomWithCategories();
		const { delta, summary } = await readSurvey(state, surveyMapping('detractors'));
		// The survey's own counts and verbatims are as without sorting.
		expect(delta.surveyCounts.find((c) => c.segment === null)!.add.reduce((a, b) => a + b, 0)).toBe(6);
		expect(delta.surveyQuotes).toHaveLength(5);
		const byText = (text: string) => delta.complaintQuotes.find((q) => q.verbatim.text.startsWith(text));
		expect(byText('I changed my password')).toMatchObject({
			categoryId: 'cat-1',
			verbatim: { placed: { how: 'rule', ruleId: 'r-pw' }, channel: SURVEY_COMMENT, surveyId: 'survey-1', segment: 'Premier' }
		});
		const fees = Object.values(state.complaints).find((c) => c.name === 'Fees')!;
		expect(byText('Another overdraft fee')).toMatchObject({ categoryId: fees.id, verbatim: { placed: { how: 'model' } } });
		expect(delta.toReview.map((i) => i.verbatim.text)).toEqual(['Just unhappy']);
		expect(delta.toReview[0]).toMatchObject({ stageId: 'stage-1', period: '2025-03', verbatim: { surveyId: 'survey-1' } });
		// Passives, promoters and the empty comment are not sorted.
		expect(byText('The card never arrived')).toBeUndefined();
		expect(delta.placements).toHaveLength(2);
		expect(delta.complaintCounts).toContainEqual({ categoryId: 'cat-1', period: '2025-03', segment: 'Premier', add: 1 });
		expect(summary.notes.join(' ')).toMatch(
			/3 detractors' comments are sorted into the complaint categories of Stage 1\. Placed by rules: 1\. Placed by the classifier, at a confidence of at least 80%: 1\. Waiting in To review: 1\./
		);
	});

	it('sorts passives too when asked for those below the top box, and every comment when asked for all', async () => {
		const state = await roomWithCategories();
		const below = await readSurvey(state, surveyMapping('belowTopBox'));
		expect(below.delta.placements.length + below.delta.toReview.length).toBe(4);
		const all = await readSurvey(state, surveyMapping('all'));
		expect(all.delta.placements.length + all.delta.toReview.length).toBe(5);
		const none = await readSurvey(state, surveyMapping(undefined));
		expect(none.delta.placements).toEqual([]);
		expect(none.delta.toReview).toEqual([]);
		expect(none.delta.complaintCounts).toEqual([]);
	});

	it('applies as one event: placed comments count in their month with their tone; a person places the waiting one', async () => {
		const state = await roomWithCategories();
		const { delta } = await readSurvey(state, surveyMapping('detractors'));
		const imported = apply(state, {
			...command('import.apply'),
			importId: 'import-survey',
			kind: 'surveys',
			mapping: surveyMapping('detractors'),
			basedOn: 1,
			delta,
			added: 6
		});
		const cat1 = imported.complaints['cat-1']!;
		expect(cat1.counts['2025-03']).toBe(1);
		expect(cat1.bySegment['Premier']?.['2025-03']).toBe(1);
		expect(cat1.tone?.['2025-03']).toEqual({ negative: 1, neutral: 0, positive: 0 });
		const waiting = imported.toReview.find((i) => i.verbatim.surveyId === 'survey-1')!;
		const reviewed = apply(imported, command('review.place', { verbatimId: waiting.verbatim.id, categoryId: 'cat-1' }));
		expect(reviewed.complaints['cat-1']!.counts['2025-03']).toBe(2);
		expect(reviewed.complaints['cat-1']!.verbatims.find((v) => v.id === waiting.verbatim.id)).toMatchObject({
			channel: SURVEY_COMMENT,
			surveyId: 'survey-1',
			placed: { how: 'person' }
		});
	});

	it('does not place comments of a stage with no complaint category, and says so', async () => {
		const { state } = buildRoom({ stages: 1, surveysPerStage: 1, complaintsPerStage: 0 });
		const { delta, summary } = await readSurvey(state, surveyMapping('all'));
		expect(delta.placements).toEqual([]);
		expect(delta.toReview).toEqual([]);
		expect(delta.complaintCounts).toEqual([]);
		expect(summary.notes.join(' ')).toMatch(/5 comments would be sorted into complaint categories, but Stage 1 has none/);
	});

	it('masks personal data in a comment before it is classified or queued', async () => {
		const state = await roomWithCategories();
		const file = [
			'Date,Id,Score,Comment,Segment',
			'2025-03-10,r1,2,"Nobody answered jo.bloggs@example.com or +44 20 7946 0018",'
		].join('\n');
		const { delta, summary } = await readSurvey(state, surveyMapping('detractors'), file);
		const stored = [...delta.toReview.map((i) => i.verbatim.text), ...delta.complaintQuotes.map((q) => q.verbatim.text)];
		expect(stored).toEqual(['Nobody answered [email] or [phone]']);
		expect(summary.masked.map((m) => m.column)).toEqual(['"Comment"']);
	});

	it('masks the verbatims waiting for review that a client sends in an import', () => {
		const { state } = furnishedRoom();
		const sent = waitingForReview();
		sent.delta.toReview[0]!.verbatim.text = 'Write to jo@example.com';
		const masked = redactCommand(sent, state);
		expect(masked.type === 'import.apply' && masked.delta.toReview[0]!.verbatim.text).toBe('Write to [email]');
	});
});
