/**
 * Who may fetch a stored file, by how a room uses it. One rule for the file endpoint and for what a
 * viewer's state may carry:
 * - an artifact's file (and its thumbnail) is the room's to see: every member, TVs included;
 * - a sensitive artifact's file never reaches a corridor screen (the same rule the wall applies);
 * - an import's original file (raw rows, columns never mapped) and its row keys are for contributors
 *   and facilitators only, never for viewers.
 */
import { assertNever, own } from './basics';
import type { Role } from './model';
import type { RoomState } from './model';

/** How a room uses a stored file. */
export type FileUse = 'artifact' | 'sensitive-artifact' | 'import-file';

/** Who is asking: their role in the room, and for a paired TV, its display. */
export interface FileReader {
	role: Role;
	displayId?: string;
}

/** The widest-shown use a room makes of `blobId`, or null when the room does not reference it. */
export function fileUse(state: RoomState, blobId: string): FileUse | null {
	let found: FileUse | null = null;
	for (const artifact of Object.values(state.artifacts)) {
		if (artifact.blobId !== blobId && artifact.file?.thumbBlobId !== blobId) continue;
		if (!artifact.sensitive) return 'artifact';
		found = 'sensitive-artifact';
	}
	if (found) return found;
	for (const record of Object.values(state.imports)) {
		if ((record.blobId === blobId && !record.fileDeletedAt) || record.keysBlobId === blobId) return 'import-file';
	}
	return null;
}

/**
 * Whether `reader` may fetch `blobId` as this room uses it. A screen whose display is gone from the room
 * is treated as a corridor screen: the narrowest view.
 */
export function mayReadFile(state: RoomState, blobId: string, reader: FileReader): boolean {
	const use = fileUse(state, blobId);
	if (use === null) return false;
	switch (use) {
		case 'artifact':
			return true;
		case 'sensitive-artifact':
			return reader.displayId === undefined || own(state.displays, reader.displayId)?.mode === 'room';
		case 'import-file':
			return reader.role !== 'viewer';
		default:
			return assertNever(use);
	}
}

/**
 * Every stored file a room's state refers to (artifact files and thumbnails, import originals and keys):
 * what a backup carries, what counts against the room's storage, what the collector keeps.
 */
export function referencedBlobs(state: RoomState): string[] {
	const ids = new Set<string>();
	for (const a of Object.values(state.artifacts)) {
		if (a.blobId) ids.add(a.blobId);
		if (a.file?.thumbBlobId) ids.add(a.file.thumbBlobId);
	}
	for (const i of Object.values(state.imports)) {
		// A raw upload the room's settings had deleted is no longer the room's.
		if (!i.fileDeletedAt) ids.add(i.blobId);
		if (i.keysBlobId) ids.add(i.keysBlobId);
	}
	return [...ids].sort();
}
