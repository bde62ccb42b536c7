/**
 * Uploaded files: read with a size cap, typed by their bytes (magic numbers, via file-type), never by
 * their name, and refused with a sentence a person understands when they are not something a room
 * keeps. Pictures get a thumbnail (sharp) so a wall never downloads a 12-megapixel photo.
 */
import type { IncomingMessage } from 'node:http';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { ArtifactKind } from '../../src/lib/domain';
import type { StoredUpload } from '../../src/lib/protocol/curate';
import type { BlobStore } from '../store/port';

export type UploadPurpose = 'artifact' | 'import';

/** Types an artifact may be, by the MIME type file-type reports. */
const ARTIFACT_TYPES: Readonly<Record<string, ArtifactKind>> = {
	'image/png': 'image',
	'image/jpeg': 'image',
	'image/gif': 'image',
	'image/webp': 'image',
	'image/avif': 'image',
	'application/pdf': 'document',
	'audio/mpeg': 'audio',
	'audio/wav': 'audio',
	'audio/ogg': 'audio',
	'audio/opus': 'audio',
	'audio/x-m4a': 'audio',
	'audio/mp4': 'audio',
	'audio/aac': 'audio',
	'audio/flac': 'audio',
	'audio/x-flac': 'audio',
	'audio/webm': 'audio',
	'video/mp4': 'video',
	'video/webm': 'video',
	'video/quicktime': 'video',
	'video/ogg': 'video'
};

/** Programs and installers: never accepted, and named so the person knows why. */
const PROGRAMS: Readonly<Record<string, string>> = {
	'application/x-msdownload': 'a Windows program',
	'application/vnd.microsoft.portable-executable': 'a Windows program',
	'application/x-msi': 'a Windows installer',
	'application/x-elf': 'a Linux program',
	'application/x-mach-binary': 'a macOS program',
	'application/x-apple-diskimage': 'a macOS disk image',
	'application/vnd.android.package-archive': 'an Android app',
	'application/java-archive': 'a Java program',
	'application/wasm': 'a WebAssembly program',
	'application/x-shockwave-flash': 'a Flash program'
};

const SPREADSHEETS: Readonly<Record<string, string>> = {
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'an Excel workbook',
	'application/vnd.ms-excel': 'an Excel workbook',
	'application/x-cfb': 'an Office document',
	'application/vnd.oasis.opendocument.spreadsheet': 'an OpenDocument spreadsheet',
	'application/zip': 'a zip archive'
};

export class UploadError extends Error {
	constructor(
		readonly status: 400 | 413 | 415,
		readonly code: 'too_large' | 'unsupported_type' | 'invalid_payload',
		message: string
	) {
		super(message);
	}
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;

/** Reads a request body up to `limit` bytes; refuses a bigger one as soon as it is known to be bigger. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	const tooLarge = () => new UploadError(413, 'too_large', `This file is larger than the ${megabytes(limit)} a room accepts.`);
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > limit) throw tooLarge();
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > limit) throw tooLarge();
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks, size);
}

function looksLikeText(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, 64 * 1024);
	for (const b of sample) if (b === 0) return false;
	return true;
}

/** Types `bytes` by content and checks it suits `purpose`; throws an `UploadError` saying why not. */
export async function classify(bytes: Uint8Array, purpose: UploadPurpose): Promise<{ mime: string; kind: ArtifactKind | 'csv' }> {
	if (bytes.byteLength === 0) throw new UploadError(400, 'invalid_payload', 'This file is empty.');
	const detected = await fileTypeFromBuffer(bytes);
	if (detected && Object.hasOwn(PROGRAMS, detected.mime)) {
		throw new UploadError(415, 'unsupported_type', `This file is ${PROGRAMS[detected.mime]}; programs are never accepted.`);
	}
	const text = !detected && looksLikeText(bytes);
	if (text && bytes[0] === 0x23 && bytes[1] === 0x21) {
		throw new UploadError(415, 'unsupported_type', 'This file is a script; programs are never accepted.');
	}
	if (purpose === 'import') {
		if (text) return { mime: 'text/csv', kind: 'csv' };
		const what = detected ? (SPREADSHEETS[detected.mime] ?? `a ${detected.ext.toUpperCase()} file`) : 'not text';
		throw new UploadError(
			415,
			'unsupported_type',
			`Imports read CSV text files, and this file is ${what}. Save it as CSV (comma- or semicolon-separated) and try again.`
		);
	}
	if (detected && Object.hasOwn(ARTIFACT_TYPES, detected.mime))
		return { mime: detected.mime, kind: ARTIFACT_TYPES[detected.mime]! };
	const what = detected
		? `a ${detected.ext.toUpperCase()} file (${detected.mime})`
		: text
			? 'plain text'
			: 'of a kind this server does not recognise';
	throw new UploadError(
		415,
		'unsupported_type',
		`This file is ${what}. A room keeps pictures (PNG, JPEG, GIF, WebP), PDFs, recordings (MP3, WAV, M4A, OGG) and videos (MP4, WebM); links and notes need no file.`
	);
}

/** Largest side of a thumbnail, in pixels: sharp enough for a card on a 4K wall. */
const THUMB_SIDE = 640;

async function thumbnail(bytes: Uint8Array): Promise<{ thumb: Buffer; width: number | null; height: number | null }> {
	try {
		// limitInputPixels refuses decompression bombs (a tiny file that unpacks to gigapixels).
		const image = sharp(bytes, { limitInputPixels: 100_000_000, animated: false });
		const meta = await image.metadata();
		const thumb = await image
			.rotate()
			.resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
			.jpeg({ quality: 78, mozjpeg: true })
			.toBuffer();
		return { thumb, width: meta.width ?? null, height: meta.height ?? null };
	} catch {
		throw new UploadError(
			400,
			'invalid_payload',
			'This picture could not be read; the file may be damaged or too large in pixels.'
		);
	}
}

/** A file checked and typed by its bytes, with its thumbnail made, ready to store. */
export interface TypedFile {
	bytes: Uint8Array;
	mime: string;
	kind: ArtifactKind | 'csv';
	thumb: { bytes: Buffer; width: number | null; height: number | null } | null;
}

/** Checks and types a file by its bytes and makes its thumbnail; throws an `UploadError` saying why not. */
export async function typeFile(bytes: Uint8Array, purpose: UploadPurpose): Promise<TypedFile> {
	const { mime, kind } = await classify(bytes, purpose);
	if (kind !== 'image') return { bytes, mime, kind, thumb: null };
	const made = await thumbnail(bytes);
	return { bytes, mime, kind, thumb: { bytes: made.thumb, width: made.width, height: made.height } };
}

/** Stores a typed file and its thumbnail; the same bytes stored twice cost nothing. */
export async function storeTyped(blobs: BlobStore, file: TypedFile): Promise<StoredUpload> {
	const thumbBlobId = file.thumb ? (await blobs.put(file.thumb.bytes, 'image/jpeg')).id : null;
	const stored = await blobs.put(file.bytes, file.mime);
	const { mime, kind } = file;
	return {
		blobId: stored.id,
		size: stored.size,
		mime,
		kind,
		thumbBlobId,
		width: file.thumb?.width ?? null,
		height: file.thumb?.height ?? null
	};
}

/** Checks and stores one upload (and its thumbnail). */
export async function storeUpload(blobs: BlobStore, bytes: Uint8Array, purpose: UploadPurpose): Promise<StoredUpload> {
	return storeTyped(blobs, await typeFile(bytes, purpose));
}
