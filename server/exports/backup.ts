/**
 * A room's backup: one JSON file with the whole room state and every file the room refers to (artifact
 * files and thumbnails, import originals and their row keys), base64-encoded. Written as a stream, one
 * file at a time, so a room with recordings never sits in memory twice. Restoring makes a new room
 * (with a new epoch) whose state equals the backed-up one but for its id.
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { checkRestoredRoom, referencedBlobs, RoomState, withDefaults } from '../../src/lib/domain';
import type { BlobStore } from '../store/port';

export const BACKUP_FORMAT = 'customer-room-backup';

const Sha = z.string().regex(/^[a-f0-9]{64}$/);

export const Backup = z.object({
	format: z.literal(BACKUP_FORMAT),
	formatVersion: z.literal(1),
	exportedAt: z.string(),
	room: z.object({ id: z.string(), version: z.int().min(0), epoch: z.string() }),
	state: RoomState,
	blobs: z.record(Sha, z.object({ contentType: z.string().max(100), data: z.base64() }))
});
export type Backup = z.infer<typeof Backup>;

const write = (out: Writable, chunk: string): Promise<void> =>
	new Promise((resolve, reject) => {
		if (out.write(chunk)) return resolve();
		out.once('drain', resolve);
		out.once('error', reject);
	});

/** Streams the backup of `state` to `out`; files missing from the store are left out (and counted). */
export async function writeBackup(
	out: Writable,
	room: { id: string; version: number; epoch: string },
	state: RoomState,
	blobs: BlobStore,
	now = new Date()
): Promise<{ files: number; missing: number }> {
	await write(
		out,
		`{"format":"${BACKUP_FORMAT}","formatVersion":1,"exportedAt":${JSON.stringify(now.toISOString())},"room":${JSON.stringify(room)},"state":${JSON.stringify(state)},"blobs":{`
	);
	let files = 0;
	let missing = 0;
	for (const id of referencedBlobs(state)) {
		const blob = await blobs.get(id);
		if (!blob) {
			missing++;
			continue;
		}
		const data = Buffer.from(blob.bytes).toString('base64');
		await write(
			out,
			`${files ? ',' : ''}${JSON.stringify(id)}:{"contentType":${JSON.stringify(blob.contentType)},"data":"${data}"}`
		);
		files++;
	}
	await write(out, '}}');
	return { files, missing };
}

export type RestoreCheck = { ok: true; backup: Backup; files: Map<string, Buffer> } | { ok: false; message: string };

/**
 * Parses and checks a backup: its shape, that every file's bytes match the name they are stored under,
 * and that its room keeps the rules `decide` keeps. Answers the files decoded, by id.
 */
export function checkBackup(json: unknown): RestoreCheck {
	const parsed = Backup.safeParse(json);
	if (!parsed.success) {
		const first = parsed.error.issues[0];
		return {
			ok: false,
			message: `This is not a Customer Room backup this server can read (${first?.path.join('.') || 'format'}: ${first?.message ?? 'invalid'}).`
		};
	}
	const files = new Map<string, Buffer>();
	for (const [id, blob] of Object.entries(parsed.data.blobs)) {
		const bytes = Buffer.from(blob.data, 'base64');
		const actual = createHash('sha256').update(bytes).digest('hex');
		if (actual !== id)
			return { ok: false, message: `The backup's file ${id.slice(0, 12)}… is damaged (its bytes do not match its name).` };
		files.set(id, bytes);
	}
	const state = withDefaults(parsed.data.state);
	const broken = checkRestoredRoom(state);
	if (broken) return { ok: false, message: `This backup cannot be restored. ${broken}` };
	return { ok: true, backup: { ...parsed.data, state }, files };
}
