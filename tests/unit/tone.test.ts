// Sentiment and tone: the server's lexicon score (with negation), the tone counts the state keeps as
// aggregates, a stage's negative share trended on the XmR rule, and the raw import file's deletion.
import { describe, expect, it } from 'vitest';
import {
	DEFAULT_REDACTION,
	projectState,
	rawFileDueAt,
	stageTone,
	toneOf,
	type RoomState,
	type Verbatim
} from '../../src/lib/domain';
import { scoreCommand } from '../../server/text/sentiment-command';
import { sentimentScore } from '../../server/text/sentiment';
import { NOW, apply, command, contextFor, furnishedRoom, refusal } from '../support/factories';

const quote = (id: string, text: string, date: string, sentiment?: number): Verbatim => ({
	id,
	text,
	date,
	channel: 'web',
	segment: null,
	...(sentiment === undefined ? {} : { sentiment })
});

/** The furnished room with `texts` quoted on cat-1 (stage-1), scored the way the engine scores them. */
function quoted(state: RoomState, texts: Array<[string, string, string]>): RoomState {
	return texts.reduce(
		(s, [id, text, date]) =>
			apply(s, scoreCommand(command('complaint.quote', { categoryId: 'cat-1', verbatim: quote(id, text, date) }))),
		state
	);
}

describe('sentiment score (AFINN with negation)', () => {
	it('reads praise as positive and complaint as negative', () => {
		expect(toneOf(sentimentScore('The staff were helpful and kind.'))).toBe('positive');
		expect(toneOf(sentimentScore('Terrible service, I am angry.'))).toBe('negative');
		expect(toneOf(sentimentScore('I called on Tuesday about my statement.'))).toBe('neutral');
	});

	it('turns the words after a negator: "not helpful" is negative, "never a good answer" too', () => {
		expect(sentimentScore('helpful')).toBeGreaterThan(0);
		expect(sentimentScore('Not helpful at all.')).toBeLessThan(0);
		expect(sentimentScore("They didn't help me.")).toBeLessThan(0);
		expect(sentimentScore('I was never given a good answer')).toBeLessThan(0);
	});

	it('stops a negation at the end of the clause', () => {
		// "not" turns "late" (no score) and nothing past the comma: "great" stays positive.
		expect(sentimentScore('The parcel was not late, great service')).toBe(sentimentScore('great service'));
	});

	it('scores the same words the same every time, and text a client scored is scored again', () => {
		const sent = command('complaint.quote', { verbatim: quote('v-x', 'Awful, awful app.', '2026-03-01', 5) });
		const scored = scoreCommand(sent);
		expect(scored.type === 'complaint.quote' && scored.verbatim.sentiment).toBe(sentimentScore('Awful, awful app.'));
		expect(sentimentScore('Awful, awful app.')).toBeLessThan(0);
	});
});

describe('tone counts per month (aggregates)', () => {
	it('counts every quoted verbatim by tone and month, even those the capped list lets go', () => {
		let state = furnishedRoom().state;
		const texts: Array<[string, string, string]> = [];
		for (let i = 0; i < 60; i++) texts.push([`v-${i}`, i % 3 === 0 ? 'Great help.' : 'Awful wait.', '2026-02-10']);
		state = quoted(state, texts);
		expect(state.complaints['cat-1']!.verbatims.length).toBe(50);
		expect(state.complaints['cat-1']!.tone?.['2026-02']).toEqual({ negative: 40, neutral: 0, positive: 20 });
	});

	it('counts a verbatim an import sends again under the same id once, with its new tone', () => {
		const importing = (importId: string, basedOn: number, text: string) =>
			scoreCommand(
				command('import.apply', {
					importId,
					basedOn,
					delta: {
						...command('import.apply').delta,
						categories: [],
						complaintCounts: [],
						complaintQuotes: [{ categoryId: 'cat-1', verbatim: quote('i-1', text, '2026-02-10') }]
					}
				})
			);
		let state = apply(furnishedRoom().state, importing('import-a', 0, 'Awful wait.'));
		state = apply(state, importing('import-b', 1, 'Great help in the end.'));
		expect(state.complaints['cat-1']!.tone?.['2026-02']).toEqual({ negative: 0, neutral: 0, positive: 1 });
	});

	it('counts import rows too, and keeps the counts off corridor screens with the verbatims', () => {
		const state = apply(
			furnishedRoom().state,
			scoreCommand(
				command('import.apply', {
					delta: {
						...command('import.apply').delta,
						complaintQuotes: [
							{ categoryId: 'cat-1', verbatim: quote('i-1', 'The fee was not explained, I am angry.', '2026-03-02') },
							{ categoryId: 'cat-1', verbatim: quote('i-2', 'Thanks, sorted quickly.', '2026-03-03') }
						]
					}
				})
			)
		);
		expect(state.complaints['cat-1']!.tone?.['2026-03']).toEqual({ negative: 1, neutral: 0, positive: 1 });
		const corridor = projectState(state, 'corridor');
		expect(corridor.complaints['cat-1']!.verbatims).toEqual([]);
		expect(corridor.complaints['cat-1']!.tone).toBeUndefined();
	});
});

describe("a stage's tone over months (XmR, as for counts)", () => {
	/** A stage whose months hold `negatives[i]` negative verbatims of 10. */
	function months(negatives: number[]): RoomState {
		const state = furnishedRoom().state;
		const tone = Object.fromEntries(
			negatives.map((n, i) => [`2025-${String(i + 1).padStart(2, '0')}`, { negative: n, neutral: 10 - n, positive: 0 }])
		);
		return { ...state, complaints: { ...state.complaints, 'cat-1': { ...state.complaints['cat-1']!, tone } } };
	}

	it('gives the negative share of each month, oldest first', () => {
		const tone = stageTone(months([2, 3, 4]), 'stage-1');
		expect(tone.points.map((p) => [p.period, p.negative, p.total, p.share])).toEqual([
			['2025-01', 2, 10, 0.2],
			['2025-02', 3, 10, 0.3],
			['2025-03', 4, 10, 0.4]
		]);
		expect(tone.latest?.period).toBe('2025-03');
	});

	it('calls a month far above the usual share a worsening signal, and a wiggle noise', () => {
		// Shares 0.2/0.3 alternating: centre 0.25, mean moving range 0.1, upper limit 0.25 + 0.266 = 0.516.
		const usual = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3];
		expect(stageTone(months([...usual, 3]), 'stage-1').signal).toBeNull();
		// 0.9 is beyond the limits of those months (the baseline includes it: centre 0.309, limit ~0.76).
		expect(stageTone(months([...usual, 9]), 'stage-1').signal).toBe('worse');
	});

	it('calls eight months in a row above the centre a signal too', () => {
		expect(stageTone(months([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]), 'stage-1', 16).signal).toBe('worse');
	});

	it('has no signal and no latest month for a stage with no scored verbatims', () => {
		const tone = stageTone(furnishedRoom().state, 'stage-2');
		expect(tone).toEqual({ points: [], latest: null, signal: null });
	});
});

describe('raw import files deleted after N days', () => {
	const rawFor = (days: number | null) => ({
		corridorHidesVerbatims: true,
		theme: 'dark' as const,
		redaction: { ...DEFAULT_REDACTION, importFile: 'raw' as const, rawDays: days }
	});
	const earlier = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

	function imported(days: number | null, rawFile = true): RoomState {
		const state = apply(furnishedRoom().state, command('room.configure', { patch: { settings: rawFor(days) } }));
		return apply(state, command('import.apply', { rawFile }), contextFor('facilitator', earlier(3)));
	}

	it('falls due the given days after the import, and is recorded with when', () => {
		const state = imported(2);
		expect(rawFileDueAt(state.imports['import-new']!, state.meta!.settings.redaction)).toBe(earlier(1));
		const after = apply(state, command('import.deleteFile'));
		expect(after.imports['import-new']!.fileDeletedAt).toBe(NOW);
		expect(refusal(after, command('import.deleteFile')).code).toBe('conflict');
	});

	it('is refused before it is due, for a room that keeps raw files, and for mapped columns only', () => {
		expect(refusal(imported(5), command('import.deleteFile')).code).toBe('rule_violation');
		expect(refusal(imported(null), command('import.deleteFile')).code).toBe('rule_violation');
		expect(refusal(imported(1, false), command('import.deleteFile')).code).toBe('rule_violation');
		expect(refusal(imported(1), command('import.deleteFile', { importId: 'import-gone' })).code).toBe('not_found');
	});
});

describe("an import's tone counts", () => {
	it("count every new row's words, though the import keeps only each category's newest few as quotes", async () => {
		const { readImportFile } = await import('../../server/imports/import-tasks');
		const { importRoomOf } = await import('../../server/imports/read-import');
		const { simpleComplaintMapping } = await import('../support/curate-http');
		const room = furnishedRoom().state;
		const lines = ['date,issue,text'];
		for (let i = 0; i < 30; i++)
			lines.push(
				`2026-02-${String(1 + (i % 28)).padStart(2, '0')},Fees,${i % 3 === 0 ? 'Great help' : 'Awful wait'} number ${i}`
			);
		const read = await readImportFile(
			{
				bytes: new TextEncoder().encode(lines.join('\n')),
				room: importRoomOf(room),
				mapping: simpleComplaintMapping('stage-1', true),
				seenKeys: []
			},
			() => {}
		);
		if (!read.ok) throw new Error(read.message);
		expect(read.delta.complaintQuotes.length).toBeLessThan(30);
		expect(read.delta.complaintTones?.map((t) => [t.period, t.tones])).toEqual([
			['2026-02', { negative: 20, neutral: 0, positive: 10 }]
		]);
		const state = apply(
			room,
			scoreCommand(command('import.apply', { delta: read.delta, mapping: simpleComplaintMapping('stage-1', true) }))
		);
		const categoryId = read.delta.categories[0]!.categoryId;
		expect(state.complaints[categoryId]!.tone?.['2026-02']).toEqual({ negative: 20, neutral: 0, positive: 10 });
		expect(state.complaints[categoryId]!.verbatims[0]!.sentiment).toBeDefined();
	});
});
