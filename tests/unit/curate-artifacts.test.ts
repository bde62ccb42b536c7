// The Artifacts tab's pure rules: grouping as the board shows it, the version chain, and what each way of
// removing really does (checked by folding the commands through decide and evolve themselves).
import { describe, expect, it } from 'vitest';
import {
	artifactGroups,
	changedFields,
	draftOf,
	formatBytes,
	linkProblem,
	previousVersions,
	removeCurrent,
	removeEarlier,
	titleFromFileName
} from '../../src/lib/components/curate/artifacts/artifacts';
import type { Command, RoomState } from '../../src/lib/domain';
import { apply, applyAll, buildRoom, command } from '../support/factories';

const BLOB = (n: number) => String(n).repeat(64).slice(0, 64);

/** "Hang tag" in three versions (v1 -> v2 -> v3, each replaced by the next), beside a note that has none. */
function versionedRoom(): RoomState {
	const { state } = buildRoom({ stages: 2, touchpointsPerStage: 2 });
	const version = (id: string, asOf: string, n: number): Command =>
		command('artifact.add', {
			artifactId: id,
			kind: 'image',
			title: 'Hang tag',
			url: null,
			blobId: BLOB(n),
			currentAsOf: asOf,
			touchpointId: 'tp-1'
		});
	return applyAll(
		[
			version('v1', '2025-01-10', 1),
			version('v2', '2025-06-10', 2),
			command('artifact.update', { artifactId: 'v1', patch: { replacedBy: 'v2' } }),
			version('v3', '2026-02-01', 3),
			command('artifact.update', { artifactId: 'v2', patch: { replacedBy: 'v3' } }),
			command('artifact.add', { artifactId: 'note', kind: 'note', title: 'A note', url: null }),
			command('touchpoint.update', { touchpointId: 'tp-2', patch: { momentOfTruth: true } }),
			command('artifact.add', { artifactId: 'mot', title: 'At the moment of truth', touchpointId: 'tp-2' })
		],
		state
	);
}

/** The artifacts of the chain the board would show (current versions). */
const onBoard = (state: RoomState) =>
	Object.values(state.artifacts)
		.filter((a) => a.replacedBy === null && a.title === 'Hang tag')
		.map((a) => a.id);

describe('grouping and versions', () => {
	it('lists only current versions, whole stage first, then moments of truth, then the other touchpoints', () => {
		const [first, second] = artifactGroups(versionedRoom());
		expect(first!.stage.id).toBe('stage-1');
		expect(first!.count).toBe(3);
		expect(first!.sections.map((s) => [s.touchpoint?.id ?? null, s.artifacts.map((a) => a.id)])).toEqual([
			[null, ['note']],
			['tp-2', ['mot']],
			['tp-1', ['v3']]
		]);
		expect(second).toMatchObject({ count: 0, sections: [] });
	});

	it('walks back from the current version to every one it replaced, newest first', () => {
		const state = versionedRoom();
		expect(previousVersions(state, 'v3').map((a) => a.id)).toEqual(['v2', 'v1']);
		expect(previousVersions(state, 'v2').map((a) => a.id)).toEqual(['v1']);
		expect(previousVersions(state, 'note')).toEqual([]);
	});
});

describe('removing', () => {
	it('only the current version: the one before it shows on the board again, as the dialog says', () => {
		const state = versionedRoom();
		const removal = removeCurrent(state, state.artifacts.v3!, 'only');
		expect(removal.effect).toBe('The version before it, current as of 10 Jun 2025, shows on the board again.');
		const after = applyAll(removal.commands, state);
		expect(onBoard(after)).toEqual(['v2']);
		expect(previousVersions(after, 'v2').map((a) => a.id)).toEqual(['v1']);
	});

	it('every version: oldest first, so no earlier version shows on the board in between', () => {
		const state = versionedRoom();
		const removal = removeCurrent(state, state.artifacts.v3!, 'all');
		expect(removal.commands).toEqual(['v1', 'v2', 'v3'].map((artifactId) => ({ type: 'artifact.remove', artifactId })));
		let next = state;
		for (const step of removal.commands) {
			next = apply(next, step);
			expect(onBoard(next).every((id) => id === 'v3')).toBe(true);
		}
		expect(onBoard(next)).toEqual([]);
		expect(Object.keys(next.artifacts).sort()).toEqual(['mot', 'note']);
	});

	it('an earlier version: the chain closes over the gap and the board does not change', () => {
		const state = versionedRoom();
		const after = applyAll(removeEarlier(state, state.artifacts.v2!).commands, state);
		expect(after.artifacts.v2).toBeUndefined();
		expect(after.artifacts.v1!.replacedBy).toBe('v3');
		expect(onBoard(after)).toEqual(['v3']);
		expect(previousVersions(after, 'v3').map((a) => a.id)).toEqual(['v1']);
	});

	it('an artifact without versions goes alone, with nothing else to say', () => {
		const state = versionedRoom();
		expect(removeCurrent(state, state.artifacts.note!, 'only')).toEqual({
			commands: [{ type: 'artifact.remove', artifactId: 'note' }],
			effect: null
		});
	});
});

describe('form helpers', () => {
	it('makes a title from a file name', () => {
		expect(titleFromFileName('welcome_pack-front.png')).toBe('welcome pack front');
		expect(titleFromFileName('Overdraft letter (2026).PDF')).toBe('Overdraft letter (2026)');
		expect(titleFromFileName('.png')).toBe('Untitled');
		expect(titleFromFileName(`${'x'.repeat(300)}.jpg`)).toHaveLength(120);
	});

	it('says what is wrong with a link before the room refuses it', () => {
		expect(linkProblem('https://northwind.example/fees')).toBeNull();
		expect(linkProblem('/demo/statement.svg')).toBeNull();
		expect(linkProblem('')).toBe('Type the link’s address.');
		expect(linkProblem('northwind.example/fees')).toBe('A link starts with https://, http:// or / (a page on this site).');
		expect(linkProblem('//evil.example/x')).toBe(
			'A path on this site starts with one / and then a page name; this one leads to another site.'
		);
		expect(linkProblem('/\\evil.example')).toBe(
			'A path on this site starts with one / and then a page name; this one leads to another site.'
		);
		expect(linkProblem('javascript:alert(1)')).toBe('A link starts with https://, http:// or / (a page on this site).');
	});

	it('sends only what an edit changed, and the room accepts it', () => {
		const state = versionedRoom();
		const note = state.artifacts.note!;
		expect(changedFields(note, draftOf(note), null)).toEqual({});
		const draft = { ...draftOf(note), title: '  Branch staff  ', stageId: 'stage-2', currentAsOf: '2026-02-14', sensitive: true };
		const patch = changedFields(note, draft, null);
		expect(patch).toEqual({ title: 'Branch staff', stageId: 'stage-2', currentAsOf: '2026-02-14', sensitive: true });
		expect(apply(state, { type: 'artifact.update', artifactId: 'note', patch }).artifacts.note).toMatchObject(patch);
	});

	it('writes sizes as people read them', () => {
		expect(formatBytes(512)).toBe('512 bytes');
		expect(formatBytes(89_000)).toBe('87 KB');
		expect(formatBytes(1_500_000)).toBe('1.4 MB');
	});
});
