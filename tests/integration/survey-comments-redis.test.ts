/**
 * Survey comments sorted into complaint categories, through real servers: two instances on one Redis. A
 * survey import over HTTP on one instance, asked to sort its detractors' comments, first previews what
 * will happen (nothing stored), then places one comment by a rule and one by the classifier (counted in
 * the import's event, each marked as a survey comment and with how it was placed), and queues the third;
 * a curator on the other instance places it with `review.place`, and every instance counts the same.
 * Then masking the room (`room.redact`) scores again the tone of a verbatim whose e-mail address carried
 * a word of the lexicon, and both instances agree on the new tone counts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACTION, type Command, type RoomState, type SurveyMapping } from '../../src/lib/domain';
import { curateHttp } from '../support/curate-http';
import { useRedisPair } from '../support/redis-pair';
import { sessionToken } from '../support/server-process';
import { createRoom, join, send, stateHash } from '../support/test-server';

const ROOM = 'survey-comments';
const pair = useRedisPair(ROOM);
const { joinedState } = pair;
const socketTo = async (...args: Parameters<typeof pair.socketTo>) => (await pair.socketTo(...args)).socket;

const total = (state: RoomState, categoryId: string) =>
	Object.values(state.complaints[categoryId]!.counts).reduce((a, b) => a + b, 0);
const settings = (patch: Record<string, unknown>): Command => ({
	type: 'room.configure',
	patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', classifyThreshold: 0.5, ...patch } }
});
const quote = (categoryId: string, id: string, text: string): Command => ({
	type: 'complaint.quote',
	categoryId,
	verbatim: { id, text, date: '2026-10-01', channel: 'web', segment: null }
});

describe('survey comments on two instances sharing Redis', () => {
	it('a survey import previews, then places detractors’ comments by rule and model and queues the rest; a review elsewhere counts everywhere', async () => {
		const [a, b] = pair.instances;
		const admin = await socketTo(a);
		await createRoom(admin, ROOM);
		const setup: Command[] = [
			{ type: 'complaint.define', categoryId: 'fees', stageId: 'apply', touchpointId: null, name: 'Fees', departments: [] },
			{ type: 'complaint.define', categoryId: 'docs', stageId: 'apply', touchpointId: null, name: 'Documents', departments: [] },
			quote('fees', 'f1', 'An opening fee nobody mentioned.'),
			quote('fees', 'f2', 'A monthly account fee on day one.'),
			quote('docs', 'd1', 'They wanted my utility bill twice.'),
			{ type: 'rule.save', ruleId: 'r-id', categoryId: 'docs', all: ['passport'], any: [], none: [] },
			{
				type: 'survey.define',
				surveyId: 'nps',
				kind: 'nps',
				stageId: 'apply',
				touchpointId: null,
				question: 'Would you recommend us?'
			},
			// 0.5: the classifier places what it is at least half sure of; the rest waits.
			settings({})
		];
		for (const c of setup) expect(await send(admin, ROOM, c)).toMatchObject({ ok: true });

		const file = [
			'Date,Score,Comment',
			'2026-11-02,2,"My passport scan was refused."',
			'2026-11-02,3,"Another fee for opening, account fee again."',
			'2026-11-03,1,"Waiting since Tuesday."',
			'2026-11-03,10,"Quick and friendly, thank you."'
		].join('\n');
		const mapping: SurveyMapping = {
			kind: 'surveys',
			hasHeader: true,
			dateColumn: { index: 0, name: 'Date' },
			dateFormat: 'auto',
			idColumn: null,
			segmentColumn: null,
			surveyId: 'nps',
			newSurvey: null,
			scoreColumn: { index: 1, name: 'Score' },
			countColumn: null,
			textColumn: { index: 2, name: 'Comment' },
			classifyComments: 'detractors'
		};
		const http = curateHttp(a.url, ROOM, await sessionToken(a.url, ROOM, 'contributor', 'Curator'));
		const blobId = (await http.upload(Buffer.from(file), 'import')).body.blobId as string;

		// The preview says what will happen to the comments, and stores nothing.
		const preview = await http.runImport({ blobId, fileName: 'nps.csv', mapping, dryRun: true });
		expect(preview.done.ok).toBe(true);
		expect(JSON.stringify(preview.done)).toContain("3 detractors' comments are sorted into the complaint categories of ");
		expect(JSON.stringify(preview.done)).toContain(
			'Placed by rules: 1. Placed by the classifier, at a confidence of at least 50%: 1.'
		);
		expect(JSON.stringify(preview.done)).toContain('Waiting in To review: 1.');
		const before = await joinedState(b);
		expect(before.toReview).toEqual([]);
		expect(total(before, 'fees')).toBe(0);

		expect((await http.runImport({ blobId, fileName: 'nps.csv', mapping, dryRun: false })).done.ok).toBe(true);
		const imported = await joinedState(b);
		const inCategory = (text: string) =>
			Object.values(imported.complaints)
				.flatMap((c) => c.verbatims.map((v) => ({ category: c.id, ...v })))
				.find((v) => v.text === text);
		expect(inCategory('My passport scan was refused.')).toMatchObject({
			category: 'docs',
			placed: { how: 'rule', ruleId: 'r-id' },
			surveyId: 'nps',
			channel: 'Survey comment'
		});
		expect(inCategory('Another fee for opening, account fee again.')).toMatchObject({
			category: 'fees',
			placed: { how: 'model' }
		});
		expect(inCategory('Quick and friendly, thank you.')).toBeUndefined();
		expect(imported.toReview.map((i) => [i.verbatim.text, i.verbatim.surveyId])).toEqual([['Waiting since Tuesday.', 'nps']]);
		expect(imported.complaints['docs']!.counts['2026-11']).toBe(1);
		expect(imported.complaints['fees']!.counts['2026-11']).toBe(1);
		// The tone of each placed comment counts in its category's month.
		expect(imported.complaints['fees']!.tone?.['2026-11']).toBeDefined();
		// The survey keeps all four responses and its comments, as without sorting.
		expect(imported.surveys['nps']!.responses['2026-11']!.reduce((x, y) => x + y, 0)).toBe(4);
		expect(imported.surveys['nps']!.verbatims).toHaveLength(4);

		// A curator on the other instance places the waiting comment; every instance counts it.
		const curator = await socketTo(b, 'contributor', 'Curator');
		expect((await join(curator, ROOM)).ok).toBe(true);
		const waiting = imported.toReview[0]!.verbatim.id;
		expect(await send(curator, ROOM, { type: 'review.place', verbatimId: waiting, categoryId: 'docs' })).toMatchObject({
			ok: true
		});
		const [onA, onB] = await Promise.all([joinedState(a), joinedState(b)]);
		expect(stateHash(onA)).toBe(stateHash(onB));
		expect(onA.toReview).toEqual([]);
		expect(onA.complaints['docs']!.counts['2026-11']).toBe(2);
		expect(onA.complaints['docs']!.verbatims.find((v) => v.id === waiting)).toMatchObject({
			surveyId: 'nps',
			placed: { how: 'person', by: 'Curator' }
		});
	});

	it('masking the room scores again the tone of what it rewrites, and both instances count the same', async () => {
		const [a, b] = pair.instances;
		const admin = await socketTo(a);
		expect((await join(admin, ROOM)).ok).toBe(true);
		// Masking off: the address is stored as it came, and its "happy" reads positive.
		expect(await send(admin, ROOM, settings({ redaction: { ...DEFAULT_REDACTION, kinds: [] } }))).toMatchObject({ ok: true });
		const happy: Command = {
			type: 'complaint.quote',
			categoryId: 'fees',
			verbatim: {
				id: 'q-happy',
				text: 'Write to happy.customer@example.com about the refund',
				date: '2026-12-01',
				channel: 'web',
				segment: null
			}
		};
		expect(await send(admin, ROOM, happy)).toMatchObject({ ok: true });
		const held = await joinedState(b);
		expect(held.complaints['fees']!.verbatims.find((v) => v.id === 'q-happy')!.sentiment).toBeGreaterThan(0);
		expect(held.complaints['fees']!.tone?.['2026-12']).toEqual({ negative: 0, neutral: 0, positive: 1 });

		expect(await send(admin, ROOM, settings({ redaction: DEFAULT_REDACTION }))).toMatchObject({ ok: true });
		expect(await send(admin, ROOM, { type: 'room.redact' })).toMatchObject({ ok: true });
		const [onA, onB] = await Promise.all([joinedState(a), joinedState(b)]);
		expect(stateHash(onA)).toBe(stateHash(onB));
		expect(onB.complaints['fees']!.verbatims.find((v) => v.id === 'q-happy')).toMatchObject({
			text: 'Write to [email] about the refund',
			sentiment: 0
		});
		expect(onB.complaints['fees']!.tone?.['2026-12']).toEqual({ negative: 0, neutral: 1, positive: 0 });
	});
});
