/**
 * Durable file primitives shared by the embedded stores. Plain fs calls leave data in the page cache and a
 * rename is only durable once its directory is fsync'd; these helpers make what they write survive a crash
 * or power loss whole, or not at all.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Data files are the owner's alone (0600) and so are the folders that hold them (0700): room logs, access
 * data and uploaded files may hold what customers wrote. (The process umask can only narrow these.)
 */
export const PRIVATE_FILE = 0o600;

/** Creates `dir` and any missing parents as private folders (0700); an existing folder is left as it is. */
export async function makePrivateDir(dir: string): Promise<void> {
	await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** The `code` of a Node system error (ENOENT, EEXIST, EPERM, ...), or undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
	return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
		? error.code
		: undefined;
}

/** Whether `error` says that a file or directory does not exist. */
export function isMissing(error: unknown): boolean {
	return errorCode(error) === 'ENOENT';
}

/** Reads a whole file, or returns null if it does not exist; any other error is thrown. */
export async function readIfExists(path: string): Promise<Buffer | null> {
	try {
		return await readFile(path);
	} catch (error) {
		if (isMissing(error)) return null;
		throw error;
	}
}

/** Makes a directory's entries (new, renamed, deleted files) survive a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
	const handle = await open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Writes all of `bytes` at the handle's position; a single write() may take fewer bytes than offered. */
export async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
	let offset = 0;
	while (offset < bytes.length) {
		const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
		offset += bytesWritten;
	}
}

/** Writes and fsyncs `tmp`, then renames it over `path`; the rename is durable once the caller fsyncs the dir. */
async function writeSyncedThenRename(tmp: string, path: string, bytes: Uint8Array): Promise<void> {
	const handle = await open(tmp, 'w', PRIVATE_FILE);
	try {
		await writeFully(handle, bytes);
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(tmp, path);
}

/**
 * Replaces `path` with `bytes` via a unique temp file, so concurrent writers of the same path cannot collide;
 * the temp file is removed if anything fails. The caller fsyncs the directory to make the rename durable.
 */
export async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
	const tmp = `${path}.${randomUUID()}.tmp`;
	try {
		await writeSyncedThenRename(tmp, path, bytes);
	} catch (error) {
		await rm(tmp, { force: true });
		throw error;
	}
}

/**
 * Writes `name` in `dir` so that a crash leaves either the old or the new content, never a mix, and fsyncs
 * `dir`. The temp file is `<name>.tmp`: one writer per file, and recovery deletes a leftover one.
 */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
	await writeSyncedThenRename(join(dir, `${name}.tmp`), join(dir, name), Buffer.from(content, 'utf8'));
	await fsyncDir(dir);
}
