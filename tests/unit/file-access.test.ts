/** Who may fetch a stored file, by how the room uses it; and a viewer's state without import file ids. */
import { describe, expect, it } from 'vitest';
import {
	emptyRoom,
	fileUse,
	mayReadFile,
	projectState,
	type Artifact,
	type ImportRecord,
	type RoomState
} from '../../src/lib/domain';

const PUBLIC = '1'.repeat(64);
const THUMB = '2'.repeat(64);
const SENSITIVE = '3'.repeat(64);
const RAW = '4'.repeat(64);
const KEYS = '5'.repeat(64);

const artifact = (id: string, blobId: string, sensitive: boolean, thumb: string | null = null): Artifact => ({
	id,
	stageId: 'apply',
	touchpointId: null,
	kind: 'image',
	title: id,
	caption: '',
	blobId,
	url: null,
	transcript: '',
	currentAsOf: null,
	sensitive,
	replacedBy: null,
	file: { name: `${id}.png`, mime: 'image/png', size: 10, thumbBlobId: thumb }
});
const record: ImportRecord = {
	id: 'oct',
	kind: 'complaints',
	fileName: 'october.csv',
	blobId: RAW,
	keysBlobId: KEYS,
	rows: 2,
	added: 2,
	duplicates: 0,
	errors: 0,
	at: '2026-11-01T09:00:00.000Z',
	by: 'Casey'
};
const state: RoomState = {
	...emptyRoom(),
	artifacts: { shelf: artifact('shelf', PUBLIC, false, THUMB), letter: artifact('letter', SENSITIVE, true) },
	imports: { oct: record },
	displays: {
		hall: { id: 'hall', name: 'Hall', location: '', mode: 'corridor', rotation: { stageIds: [], intervalSec: 30 } },
		den: { id: 'den', name: 'Den', location: '', mode: 'room', rotation: { stageIds: [], intervalSec: 30 } }
	}
};

describe('file access', () => {
	it('names how the room uses a file, the widest-shown use first', () => {
		expect([PUBLIC, THUMB, SENSITIVE, RAW, KEYS, '6'.repeat(64)].map((id) => fileUse(state, id))).toEqual([
			'artifact',
			'artifact',
			'sensitive-artifact',
			'import-file',
			'import-file',
			null
		]);
		// The same bytes as a sensitive and a public artifact: shown wherever the public one is.
		const both = { ...state, artifacts: { ...state.artifacts, copy: artifact('copy', SENSITIVE, false) } };
		expect(fileUse(both, SENSITIVE)).toBe('artifact');
	});

	it('keeps import files from viewers and sensitive files from corridor screens (and screens no longer in the room)', () => {
		const can = (id: string, role: 'viewer' | 'contributor', displayId?: string) => mayReadFile(state, id, { role, displayId });
		expect([can(PUBLIC, 'viewer'), can(SENSITIVE, 'viewer'), can(RAW, 'viewer'), can(KEYS, 'viewer')]).toEqual([
			true,
			true,
			false,
			false
		]);
		expect([can(RAW, 'contributor'), can(KEYS, 'contributor')]).toEqual([true, true]);
		expect([
			can(PUBLIC, 'viewer', 'hall'),
			can(SENSITIVE, 'viewer', 'hall'),
			can(SENSITIVE, 'viewer', 'den'),
			can(SENSITIVE, 'viewer', 'gone')
		]).toEqual([true, false, true, false]);
		expect(can(SENSITIVE, 'viewer', 'constructor')).toBe(false);
	});

	it("gives a viewer's state no import file ids", () => {
		const seen = JSON.stringify(projectState(state, 'viewer'));
		expect(seen).not.toContain(RAW);
		expect(seen).not.toContain(KEYS);
		expect(seen).toContain(PUBLIC);
	});
});
