/** How the wall refers to an artifact: its kind in words and the image it can show. */
import type { Artifact } from '$lib/domain';
import { isSafeLink, isSitePath } from '$lib/domain/links';

export const ARTIFACT_KIND_WORD: Record<Artifact['kind'], string> = {
	image: 'What customers see',
	document: 'Document',
	audio: 'Recorded call',
	video: 'Video',
	link: 'Link',
	note: 'Note'
};

/**
 * A same-origin image for the artifact, or null. Only same-origin: a corridor TV may have no internet,
 * and the CSP (rightly) blocks other origins. Calls and documents with a picture (a call card, a letter)
 * show it too. An uploaded picture shows its thumbnail (made on upload), or `full` size when asked.
 */
export function artifactImage(artifact: Artifact, size: 'thumb' | 'full' = 'thumb'): string | null {
	if (artifact.blobId && artifact.kind === 'image') {
		const thumb = artifact.file?.thumbBlobId;
		return `/api/blobs/${size === 'thumb' && thumb ? thumb : artifact.blobId}`;
	}
	const url = artifact.url;
	if (!url || !isSitePath(url)) return null;
	return artifact.kind === 'image' || /\.(png|jpe?g|gif|webp|svg)$/i.test(url) ? url : null;
}

/**
 * The artifact's link, if it is one a page may follow: http(s) or a path on this site. Links are checked
 * when saved; this keeps one saved before that check (a room restored from an old backup) from leading
 * elsewhere.
 */
export function artifactLink(artifact: Artifact): string | null {
	return artifact.url && isSafeLink(artifact.url) ? artifact.url : null;
}
