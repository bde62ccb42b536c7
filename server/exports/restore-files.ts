/**
 * The files of a backup being restored go through exactly what an upload goes through: typed by their
 * bytes, programs and pages refused, pictures thumbnailed afresh. The backup's own content types and
 * thumbnails are never used, and the restored state is rewritten with what the bytes are. Nothing is
 * stored until every file has passed and the room's files fit its storage quota.
 */
import type { Artifact, RoomState } from '../../src/lib/domain';
import { storeTyped, typeFile, UploadError, type TypedFile } from '../files/uploads';
import type { BlobStore } from '../store/port';

export type RestoredFiles =
	{ ok: true; state: RoomState; bytes: number } | { ok: false; status: 400 | 413 | 415; message: string };

const megabytes = (bytes: number) => new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(bytes / 1_048_576);

type Refusal = Extract<RestoredFiles, { ok: false }>;

/** Types a file of the backup, or says which item of the room it belongs to and why it is refused. */
async function typed(bytes: Uint8Array, purpose: 'artifact' | 'import', what: string): Promise<TypedFile | Refusal> {
	try {
		return await typeFile(bytes, purpose);
	} catch (error) {
		if (!(error instanceof UploadError)) throw error;
		return {
			ok: false,
			status: error.status,
			message: `This backup cannot be restored: the file of ${what} was refused. ${error.message}`
		};
	}
}

const refused = (x: TypedFile | Refusal): x is Refusal => 'ok' in x;

/**
 * Checks every file `state` refers to that the backup carries (`files`, by id), then stores them if
 * their total fits `limitBytes`. Answers the state with its files' types, sizes and thumbnails as stored.
 */
export async function storeRestoredFiles(
	blobs: BlobStore,
	state: RoomState,
	files: ReadonlyMap<string, Uint8Array>,
	limitBytes: number
): Promise<RestoredFiles> {
	const toStore: Array<{ file: TypedFile; keys?: true; apply?: (stored: Awaited<ReturnType<typeof storeTyped>>) => void }> = [];
	const artifacts: Record<string, Artifact> = { ...state.artifacts };
	for (const artifact of Object.values(state.artifacts)) {
		const bytes = artifact.blobId ? files.get(artifact.blobId) : undefined;
		if (!bytes) continue;
		const file = await typed(bytes, 'artifact', `the artifact "${artifact.title}"`);
		if (refused(file)) return file;
		toStore.push({
			file,
			apply: (stored) => {
				const kind = stored.kind === 'csv' ? artifact.kind : stored.kind;
				const name = artifact.file?.name ?? artifact.title;
				artifacts[artifact.id] = {
					...artifact,
					kind,
					file: { name, mime: stored.mime, size: stored.size, thumbBlobId: stored.thumbBlobId }
				};
			}
		});
	}
	for (const record of Object.values(state.imports)) {
		const original = files.get(record.blobId);
		if (original) {
			const file = await typed(original, 'import', `the import "${record.fileName}"`);
			if (refused(file)) return file;
			toStore.push({ file });
		}
		const keys = record.keysBlobId ? files.get(record.keysBlobId) : undefined;
		if (keys?.byteLength) {
			const file = await typed(keys, 'import', `the import "${record.fileName}" (its row keys)`);
			if (refused(file)) return file;
			toStore.push({ file: { ...file, mime: 'text/plain' } });
		}
	}
	const sizes = new Map<Uint8Array, number>();
	for (const { file } of toStore) {
		sizes.set(file.bytes, file.bytes.byteLength);
		if (file.thumb) sizes.set(file.thumb.bytes, file.thumb.bytes.byteLength);
	}
	const total = [...sizes.values()].reduce((a, b) => a + b, 0);
	if (total > limitBytes) {
		return {
			ok: false,
			status: 413,
			message: `This backup's files take ${megabytes(total)} MB, more than the ${megabytes(limitBytes)} MB a room may keep. Remove files from the room and back it up again, or ask the operator to raise ROOM_STORAGE_LIMIT_MB.`
		};
	}
	for (const { file, apply } of toStore) {
		const stored = await storeTyped(blobs, file);
		apply?.(stored);
	}
	return { ok: true, state: { ...state, artifacts }, bytes: total };
}
