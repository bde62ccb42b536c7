/**
 * Keeps each stage's "new this month" phrases current: a listener on committed events (on the instance
 * that committed, beside the broadcast) notices batches that bring or change verbatims, waits a moment
 * for the rest of a burst, reads the room's verbatims, finds the phrases in a worker thread, and records
 * each stage whose phrases changed with a `phrases.record` command through the engine, so every instance
 * and wall shows the same. The result is the same for the same verbatims (the finder is deterministic),
 * so two instances finding at once record it once: `decide` refuses a copy of what is recorded.
 */
import { own, type EventType } from '../../src/lib/domain';
import type { RoomEventsMessage } from '../../src/lib/protocol';
import { randomUUID } from 'node:crypto';
import { SERVER_ACTOR, type Broadcaster, type RoomEngine } from '../engine/room-engine';
import type { Logger } from '../log';
import type { WorkerPool } from '../workers/pool';
import { phraseInput } from '../text/phrases';
import { canonicalJson } from '../../src/lib/domain';

/** Events after which a room's phrases may have changed. */
const TEXT_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
	'complaint.quoted',
	'survey.quoted',
	'import.applied',
	'room.redacted',
	'room.restored',
	'complaint.updated',
	'complaint.removed',
	'survey.updated',
	'survey.removed',
	'stage.added'
]);

export interface PhraseWatchOptions {
	/** The engine's reading and writing (functions, since the engine is built with this watch's broadcaster). */
	engine: Pick<RoomEngine, 'state' | 'execute'>;
	workers: () => WorkerPool;
	log: Logger;
	/** How long to wait after the last text event of a burst before finding (default 2 s). */
	settleMs?: number;
}

export function createPhraseWatch(options: PhraseWatchOptions) {
	const { engine, workers, log } = options;
	const settleMs = options.settleMs ?? 2_000;
	const timers = new Map<string, NodeJS.Timeout>();
	const running = new Map<string, Promise<void>>();
	let stopped = false;

	/** Finds the phrases of one room and records the stages whose phrases changed. */
	async function refresh(roomId: string): Promise<number> {
		const state = await engine.state(roomId);
		if (!state?.meta || state.meta.archivedAt) return 0;
		const found = await workers().run('phrases.find', { verbatims: phraseInput(state), stageIds: state.stageOrder });
		let recorded = 0;
		for (const stageId of state.stageOrder) {
			const next = found.find((f) => f.stageId === stageId);
			const current = own(state.phrases, stageId);
			const phrases = next?.phrases ?? [];
			const same = current
				? next !== undefined && current.period === next.period && canonicalJson(current.phrases) === canonicalJson(phrases)
				: phrases.length === 0;
			if (same) continue;
			const period = next?.period ?? current?.period;
			if (!period) continue;
			const result = await engine.execute(
				roomId,
				randomUUID(),
				{ type: 'phrases.record', stageId, period, phrases },
				SERVER_ACTOR
			);
			if (result.ok) recorded++;
			else if (result.code !== 'conflict' && result.code !== 'not_found') {
				log.warn({ roomId, stageId, code: result.code }, 'new phrases could not be recorded; will try after the next verbatims');
			}
		}
		return recorded;
	}

	function schedule(roomId: string): void {
		if (stopped) return;
		clearTimeout(timers.get(roomId));
		const timer = setTimeout(() => {
			timers.delete(roomId);
			const previous = running.get(roomId) ?? Promise.resolve();
			const next = previous
				.then(() => refresh(roomId))
				.then(
					() => undefined,
					(error: unknown) =>
						log.warn({ roomId, err: String(error) }, 'finding new phrases failed; will try after the next verbatims')
				)
				.finally(() => {
					if (running.get(roomId) === next) running.delete(roomId);
				});
			running.set(roomId, next);
		}, settleMs);
		timer.unref();
		timers.set(roomId, timer);
	}

	return {
		refresh,
		/** Wraps the engine's broadcaster: after each committed batch that touched verbatims, find again. */
		wrap(inner: Broadcaster): Broadcaster {
			return {
				publish(message: RoomEventsMessage) {
					inner.publish(message);
					if (message.events.some((e) => TEXT_EVENTS.has(e.event.type))) schedule(message.roomId);
				}
			};
		},
		/** Waits for the finds under way (tests and shutdown). */
		async idle(): Promise<void> {
			while (timers.size || running.size) await new Promise((r) => setTimeout(r, 50));
		},
		stop(): void {
			stopped = true;
			for (const timer of timers.values()) clearTimeout(timer);
			timers.clear();
		}
	};
}
