/**
 * How a verbatim that came without a category is placed (docs/curate.md, "How categorization decides"):
 *
 *   1. the room's rules, in order: the first whose category is on the verbatim's stage and that catches
 *      the text decides (`src/lib/domain/rules.ts`);
 *   2. else the classifier, trained on the categorized verbatims of the stage (`classify-model.ts`): at
 *      or above the room's threshold its best category is taken and marked as the model's, with its
 *      confidence;
 *   3. else the verbatim waits for a person in the To review queue, with the classifier's suggestions.
 *
 * Pure and deterministic: the same room and the same texts give the same decisions on every instance.
 * It runs where the import is read, on a worker thread (`server/workers/`), never on the event loop.
 */
import { MAX_SUGGESTIONS, type CategoryRule, type Placement, type ReviewSuggestion } from '../../src/lib/domain';
import { firstMatchingRule, readForRules } from '../../src/lib/domain/rules';
import { classify, train, type Example, type Model } from './classify-model';

/** What placing needs to know of the room, small enough to send to a worker thread. */
export interface ClassifyRoom {
	rules: ReadonlyArray<Pick<CategoryRule, 'id' | 'categoryId' | 'all' | 'any' | 'none'>>;
	/** Every category's stage, by category id (the file's new categories too). */
	categories: Readonly<Record<string, { stageId: string }>>;
	/** Categorized verbatims to learn from: their category and their (masked) text. */
	examples: ReadonlyArray<{ categoryId: string; text: string }>;
	/** The confidence from which the classifier's choice is taken without a person (0.5-1). */
	threshold: number;
}

/** One verbatim's fate: placed (by a rule or the model) or waiting for review with suggestions. */
export type Decision =
	| { placed: true; categoryId: string; how: Placement; suggestions: ReviewSuggestion[] }
	| { placed: false; suggestions: ReviewSuggestion[] };

/** The classifiers of a room, one per stage, each trained on first use. */
export function createPlacer(room: ClassifyRoom) {
	const models = new Map<string, Model>();
	function modelFor(stageId: string): Model {
		let model = models.get(stageId);
		if (!model) {
			const examples: Example[] = room.examples
				.filter(
					(e) =>
						Object.prototype.hasOwnProperty.call(room.categories, e.categoryId) &&
						room.categories[e.categoryId]!.stageId === stageId
				)
				.map((e) => ({ text: e.text, label: e.categoryId }));
			model = train(examples);
			models.set(stageId, model);
		}
		return model;
	}

	/** Decides where one verbatim of `stageId` goes. */
	return function place(stageId: string, text: string): Decision {
		const rule = firstMatchingRule(room.rules, room.categories, stageId, readForRules(text));
		if (rule) return { placed: true, categoryId: rule.categoryId, how: { how: 'rule', ruleId: rule.id }, suggestions: [] };
		const suggestions = classify(modelFor(stageId), text)
			.slice(0, MAX_SUGGESTIONS)
			.map((s) => ({ categoryId: s.label, confidence: Math.floor(s.confidence * 1000) / 1000 }));
		const best = suggestions[0];
		if (best && best.confidence >= room.threshold)
			return { placed: true, categoryId: best.categoryId, how: { how: 'model', confidence: best.confidence }, suggestions };
		return { placed: false, suggestions };
	};
}
