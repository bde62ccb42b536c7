/**
 * Categorization through real servers: two instances on one Redis. An import over HTTP on one instance
 * leaves rows without a category; a rule and the classifier place some (counted in the import's event,
 * each marked with how it was placed), the rest wait in To review; a curator on the other instance
 * places them with `review.place`, and every instance's walls count the same.
 */
import { describe, expect, it } from 'vitest';
import type { Command, ComplaintMapping, RoomState } from '../../src/lib/domain';
import { curateHttp } from '../support/curate-http';
import { useRedisPair } from '../support/redis-pair';
import { sessionToken } from '../support/server-process';
import { createRoom, join, send, stateHash } from '../support/test-server';

const ROOM = 'categorize';
const pair = useRedisPair(ROOM);
const { socketTo, joinedState } = pair;

const total = (state: RoomState, categoryId: string) =>
	Object.values(state.complaints[categoryId]!.counts).reduce((a, b) => a + b, 0);

describe('categorization on two instances sharing Redis', () => {
	it('an import places rows by rule and model and queues the rest; a review on the other instance counts everywhere', async () => {
		const [a, b] = pair.instances;
		const { socket: admin } = await socketTo(a);
		await createRoom(admin, ROOM);
		const setup: Command[] = [
			{ type: 'complaint.define', categoryId: 'fees', stageId: 'apply', touchpointId: null, name: 'Fees', departments: [] },
			{ type: 'complaint.define', categoryId: 'docs', stageId: 'apply', touchpointId: null, name: 'Documents', departments: [] },
			{ type: 'rule.save', ruleId: 'r-id', categoryId: 'docs', all: ['passport'], any: [], none: [] },
			// 0.5: the classifier places what it is at least half sure of; the rest waits.
			{ type: 'room.configure', patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', classifyThreshold: 0.5 } } }
		];
		for (const c of setup) expect(await send(admin, ROOM, c)).toMatchObject({ ok: true });

		const file = [
			'Date,Issue,Comment',
			'2026-11-01,Fees,"An opening fee nobody mentioned."',
			'2026-11-01,Fees,"A monthly account fee on day one."',
			'2026-11-01,Documents,"They wanted my utility bill twice."',
			'2026-11-01,Can\'t open account,"The form times out."',
			'2026-11-02,,"My passport scan was refused."',
			'2026-11-02,,"Another fee for opening, account fee again."',
			'2026-11-02,,"Waiting since Tuesday."'
		].join('\n');
		const mapping: ComplaintMapping = {
			kind: 'complaints',
			hasHeader: true,
			dateColumn: { index: 0, name: 'Date' },
			dateFormat: 'auto',
			idColumn: null,
			segmentColumn: null,
			categoryColumn: { index: 1, name: 'Issue' },
			channelColumn: null,
			textColumn: { index: 2, name: 'Comment' },
			stageRules: [],
			defaultStageId: 'apply',
			classify: true
		};
		const curatorToken = await sessionToken(a.url, ROOM, 'contributor', 'Curator');
		const http = curateHttp(a.url, ROOM, curatorToken);
		const uploaded = await http.upload(Buffer.from(file), 'import');
		const applied = await http.runImport({
			blobId: uploaded.body.blobId as string,
			fileName: 'comments.csv',
			mapping,
			dryRun: false
		});
		expect(applied.done.ok).toBe(true);

		const imported = await joinedState(b);
		// The rule placed the passport row; the classifier, more than half sure, the fee row; a text with no word the room knows waits.
		const placedHow = (text: string) =>
			Object.values(imported.complaints)
				.flatMap((c) => c.verbatims.map((v) => ({ category: c.id, ...v })))
				.find((v) => v.text === text);
		expect(placedHow('My passport scan was refused.')).toMatchObject({
			category: 'docs',
			placed: { how: 'rule', ruleId: 'r-id' }
		});
		expect(placedHow('Another fee for opening, account fee again.')).toMatchObject({
			category: 'fees',
			placed: { how: 'model' }
		});
		expect(imported.toReview.map((i) => i.verbatim.text)).toEqual(['Waiting since Tuesday.']);
		expect(total(imported, 'fees')).toBe(3);
		expect(total(imported, 'docs')).toBe(2);

		// A curator on the other instance places the waiting one; every instance then counts it.
		const { socket: curator } = await socketTo(b, 'contributor', 'Curator');
		expect((await join(curator, ROOM)).ok).toBe(true);
		const waiting = imported.toReview[0]!.verbatim.id;
		expect(await send(curator, ROOM, { type: 'review.place', verbatimId: waiting, categoryId: 'cant-open' })).toMatchObject({
			ok: true
		});
		// Sent again (a second key press, another curator): refused, nothing counted twice.
		expect(await send(curator, ROOM, { type: 'review.place', verbatimId: waiting, categoryId: 'fees' })).toMatchObject({
			ok: false,
			code: 'conflict'
		});
		const [onA, onB] = await Promise.all([joinedState(a), joinedState(b)]);
		expect(stateHash(onA)).toBe(stateHash(onB));
		expect(onA.toReview).toEqual([]);
		expect(total(onA, 'cant-open')).toBe(2);
		expect(total(onA, 'fees')).toBe(3);
		expect(onA.complaints['cant-open']!.verbatims.find((v) => v.id === waiting)?.placed).toEqual({
			how: 'person',
			by: 'Curator'
		});
	});
});
