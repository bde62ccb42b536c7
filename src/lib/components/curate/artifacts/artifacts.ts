/**
 * The Artifacts tab's rules, pure: how artifacts group under stages and touchpoints, which versions
 * came before the current one, what removing one really does (as `evolve` does it), and the words and
 * checks the forms use. No Svelte, no I/O.
 */
import { dateLabel } from '$lib/client/format';
import { own } from '$lib/domain/basics';
import {
	isSafeLink,
	type Artifact,
	type ArtifactFile,
	type ArtifactKind,
	type Command,
	type RoomState,
	type Stage,
	type Touchpoint
} from '$lib/domain';
import type { StoredUpload } from '$lib/protocol/curate';
import { artifactLink } from '$lib/components/wall/artifact-view';

/** What the upload endpoint answers for an artifact: the server read the type from the bytes. */
export type StoredFile = StoredUpload & { kind: 'image' | 'document' | 'audio' | 'video' };

/** What an artifact keeps of its uploaded file: the name it had, and what the server found it to be. */
export function fileMeta(file: File, stored: StoredFile): ArtifactFile {
	return { name: file.name.slice(0, 200), mime: stored.mime, size: stored.size, thumbBlobId: stored.thumbBlobId };
}

/** What each kind is called on this tab. */
export const KIND_WORDS: Record<ArtifactKind, string> = {
	image: 'Picture',
	document: 'Document',
	audio: 'Recording',
	video: 'Video',
	link: 'Link',
	note: 'Note'
};

/** What the file picker offers (the server still decides by the bytes). */
export const ACCEPTED_FILES =
	'image/png,image/jpeg,image/gif,image/webp,image/avif,application/pdf,audio/*,video/mp4,video/webm,video/quicktime,video/ogg';

export const blobUrl = (blobId: string) => `/api/blobs/${blobId}`;

/** Where a recording or document plays or opens from: its uploaded file, else its link. */
export const mediaSource = (artifact: Artifact): string | null =>
	artifact.blobId ? blobUrl(artifact.blobId) : artifactLink(artifact);

/** A title from a file name: "hang-tag_v2.png" -> "hang tag v2". */
export function titleFromFileName(name: string): string {
	const base = name
		.replace(/\.[A-Za-z0-9]{1,5}$/, '')
		.replace(/[_-]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return (base || 'Untitled').slice(0, 120).trim();
}

/** A file size in words: "812 KB", "3.4 MB". */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1_048_576) return `${Math.round(bytes / 1024)} KB`;
	return `${(Math.round((bytes / 1_048_576) * 10) / 10).toFixed(1)} MB`;
}

/** Why a typed link cannot be saved, or null when it can (the room keeps http(s) links and site paths). */
export function linkProblem(url: string): string | null {
	const text = url.trim();
	if (!text) return 'Type the link’s address.';
	if (!/^(https?:\/\/|\/)/i.test(text)) return 'A link starts with https://, http:// or / (a page on this site).';
	if (!isSafeLink(text)) {
		return text.startsWith('/')
			? 'A path on this site starts with one / and then a page name; this one leads to another site.'
			: 'This is not a web address; check it for typos.';
	}
	return text.length > 2000 ? 'This link is longer than the 2,000 characters a room keeps.' : null;
}

// ---------------------------------------------------------------------------------------------
// Grouping and versions
// ---------------------------------------------------------------------------------------------

export interface ArtifactSection {
	/** null: artifacts of the whole stage, tied to no touchpoint. */
	touchpoint: Touchpoint | null;
	artifacts: Artifact[];
}

export interface ArtifactGroup {
	stage: Stage;
	sections: ArtifactSection[];
	/** Current artifacts under the stage (earlier versions are not counted). */
	count: number;
}

const byTitle = (a: Artifact, b: Artifact) => a.title.localeCompare(b.title);

/**
 * The current artifacts (the ones the board shows) by stage in the journey's order, and under each
 * stage the whole-stage ones first, then per touchpoint (moments of truth first, then by name).
 */
export function artifactGroups(state: RoomState): ArtifactGroup[] {
	const current = Object.values(state.artifacts).filter((a) => a.replacedBy === null);
	return state.stageOrder.flatMap((stageId) => {
		const stage = own(state.stages, stageId);
		if (!stage) return [];
		const mine = current.filter((a) => a.stageId === stageId);
		const touchpoints = Object.values(state.touchpoints)
			.filter((t) => t.stageId === stageId)
			.sort((a, b) => Number(b.momentOfTruth) - Number(a.momentOfTruth) || a.name.localeCompare(b.name));
		const sections: ArtifactSection[] = [
			{
				touchpoint: null,
				artifacts: mine.filter((a) => !a.touchpointId || !own(state.touchpoints, a.touchpointId)).sort(byTitle)
			},
			...touchpoints.map((touchpoint) => ({
				touchpoint,
				artifacts: mine.filter((a) => a.touchpointId === touchpoint.id).sort(byTitle)
			}))
		];
		return [{ stage, sections: sections.filter((s) => s.artifacts.length > 0), count: mine.length }];
	});
}

/** The versions an artifact replaced, newest first (each one's `replacedBy` points to the next). */
export function previousVersions(state: RoomState, artifactId: string): Artifact[] {
	const found: Artifact[] = [];
	const seen = new Set([artifactId]);
	let level = [artifactId];
	while (level.length) {
		const before = Object.values(state.artifacts)
			.filter((a) => a.replacedBy !== null && level.includes(a.replacedBy) && !seen.has(a.id))
			.sort((a, b) => (b.currentAsOf ?? '').localeCompare(a.currentAsOf ?? ''));
		for (const a of before) seen.add(a.id);
		found.push(...before);
		level = before.map((a) => a.id);
	}
	return found;
}

/** The commands that remove an artifact, and what else that changes, in words. */
export interface Removal {
	commands: Command[];
	/** What the board shows afterwards, in a sentence, or null when nothing else changes. */
	effect: string | null;
}

/**
 * Removing the current version: `only` removes it and the version before it shows again (evolve clears
 * the `replacedBy` that pointed at it); `all` removes every version, oldest first, so no earlier one
 * shows on the board for a moment in between.
 */
export function removeCurrent(state: RoomState, artifact: Artifact, scope: 'only' | 'all'): Removal {
	const before = previousVersions(state, artifact.id);
	if (scope === 'all' || before.length === 0) {
		return {
			commands: [...before.reverse(), artifact].map((a) => ({ type: 'artifact.remove', artifactId: a.id })),
			effect: null
		};
	}
	const previous = before[0]!;
	return {
		commands: [{ type: 'artifact.remove', artifactId: artifact.id }],
		effect: `The version before it${previous.currentAsOf ? `, current as of ${dateLabel(previous.currentAsOf)}` : ''}, shows on the board again.`
	};
}

/** Removing an earlier version: the one before it now points to the one after it, so the chain holds. */
export function removeEarlier(state: RoomState, artifact: Artifact): Removal {
	const commands: Command[] = Object.values(state.artifacts)
		.filter((a) => a.replacedBy === artifact.id)
		.map((a) => ({ type: 'artifact.update', artifactId: a.id, patch: { replacedBy: artifact.replacedBy } }));
	commands.push({ type: 'artifact.remove', artifactId: artifact.id });
	return { commands, effect: null };
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

/** What the add, edit and replace forms edit. Dates are YYYY-MM-DD, '' for none. */
export interface ArtifactDraft {
	title: string;
	caption: string;
	stageId: string;
	touchpointId: string | null;
	currentAsOf: string;
	sensitive: boolean;
	transcript: string;
}

export function draftOf(artifact: Artifact): ArtifactDraft {
	const { title, caption, stageId, touchpointId, sensitive, transcript } = artifact;
	return { title, caption, stageId, touchpointId, currentAsOf: artifact.currentAsOf ?? '', sensitive, transcript };
}

/** The draft's fields as the commands take them (trimmed; an empty date is none). */
export function draftFields(draft: ArtifactDraft) {
	return {
		title: draft.title.trim(),
		caption: draft.caption.trim(),
		stageId: draft.stageId,
		touchpointId: draft.touchpointId,
		currentAsOf: draft.currentAsOf || null,
		sensitive: draft.sensitive,
		transcript: draft.transcript.trim()
	};
}

/** Only what an edit changed (`artifact.update` refuses an empty patch). */
export function changedFields(artifact: Artifact, draft: ArtifactDraft, url: string | null): Partial<Artifact> {
	const next: Partial<Artifact> = {
		...draftFields(draft),
		...(artifact.kind === 'link' && url !== null ? { url: url.trim() } : {})
	};
	const patch: Partial<Artifact> = {};
	for (const [key, value] of Object.entries(next) as Array<[keyof Artifact, Artifact[keyof Artifact]]>) {
		if (artifact[key] !== value) Object.assign(patch, { [key]: value });
	}
	return patch;
}

/** The problem with a draft before it is sent, or null. */
export function draftProblem(draft: ArtifactDraft, state: RoomState): string | null {
	if (!draft.title.trim()) return 'Give it a title.';
	if (!own(state.stages, draft.stageId)) return 'Choose the stage it belongs to.';
	return null;
}
