/** The phrase finder as a worker task: plain data in, plain data out (`server/workers/tasks.ts`). */
import { findPhrases, type FoundPhrases, type PhraseVerbatim } from './phrases';

export interface FindPhrasesInput {
	verbatims: PhraseVerbatim[];
	stageIds: string[];
}

/** What is new in each stage's latest month (see `findPhrases`). */
export function findPhrasesTask(input: FindPhrasesInput): FoundPhrases[] {
	return findPhrases(input.verbatims, input.stageIds);
}
