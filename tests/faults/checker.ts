/**
 * The fault suite's checker: given the room's authoritative log and what every client applied and was
 * told, lists every broken promise of DESIGN.md section 4 (an empty list means the run kept them all):
 *
 *  - the log itself has versions 1..n with no gap, and each commandId's events form one run (exactly once);
 *  - every acknowledged commandId is in the log, ending at the version its ack named; a refused one is not,
 *    and only a domain rule refuses (a client told it is not in its room, for one, has lost a promise);
 *  - every command in the log after the setup was acknowledged to the client that sent it (nothing invented);
 *  - each client's applied history is a prefix of the log: events one version after another, each the log's
 *    own event at that version; a snapshot may skip ahead (never back), and must then be the state the log
 *    folds to at exactly that version;
 *  - every client still connected at the end holds the log's last version and the state the log folds to.
 */
import { emptyRoom, evolveAll, type RecordedEvent, type RoomState } from '../../src/lib/domain';
import type { AppliedUpdate } from '../../src/lib/client/room-store.svelte';
import { stateHash } from '../support/test-server';

/** One step of a client's history, as its RoomStore applied it. */
export type HistoryEntry =
	{ kind: 'snapshot'; epoch: string; version: number; hash: string } | { kind: 'event'; v: number; commandId: string };

export interface ClientHistory {
	name: string;
	entries: HistoryEntry[];
	/** Commands this client saw succeed, with the version the server answered. */
	acked: Array<{ commandId: string; version: number; duplicate: boolean }>;
	/** Commands this client saw refused for good (a domain rule, not a retry). */
	refused: Array<{ commandId: string; code: string }>;
	/** The hash of the state the client ended with; null for a client closed before the end (a reloaded page). */
	finalHash: string | null;
}

export interface RunRecord {
	/** The room's epoch, as the store reports it. */
	epoch: string;
	/** The room's whole log, oldest first, as the store holds it. */
	log: readonly RecordedEvent[];
	/** Versions up to this one were written by the test's setup, not by the recorded clients. */
	setupVersion: number;
	clients: readonly ClientHistory[];
}

/** A history that records what a RoomStore applies: pass `record` as its `onApplied` option. */
export function recordHistory(name: string): { history: ClientHistory; record: (update: AppliedUpdate) => void } {
	const history: ClientHistory = { name, entries: [], acked: [], refused: [], finalHash: null };
	return {
		history,
		record(update) {
			if (update.kind === 'snapshot') {
				const { epoch, state } = update;
				history.entries.push({ kind: 'snapshot', epoch, version: state.version, hash: stateHash(state) });
			} else {
				for (const e of update.events) history.entries.push({ kind: 'event', v: e.v, commandId: e.commandId });
			}
		}
	};
}

/**
 * The codes a domain rule refuses with. The load sends only commands its roles may send, so any other
 * final refusal (not in the room, no access, bad payload) means the system let a client down.
 */
const DOMAIN_REFUSALS: ReadonlySet<string> = new Set(['not_found', 'conflict', 'rule_violation']);

/** State hashes of the log folded up to each asked-for version (one pass over the log). */
function foldedHashes(log: readonly RecordedEvent[], versions: Iterable<number>): Map<number, string> {
	const wanted = [...new Set(versions)].filter((v) => v >= 0 && v <= log.length).sort((a, b) => a - b);
	const hashes = new Map<number, string>();
	let state: RoomState = emptyRoom();
	let at = 0;
	for (const v of wanted) {
		state = evolveAll(state, log.slice(at, v));
		at = v;
		hashes.set(v, stateHash(state));
	}
	return hashes;
}

/** Every broken promise in a run, one sentence each (first problem per client; the log's problems in full). */
export function checkRun(run: RunRecord): string[] {
	const { log, clients, epoch, setupVersion } = run;
	const problems: string[] = [];

	// The log: contiguous versions, one run of events per commandId.
	const runs = new Map<string, { from: number; to: number }>();
	const byVersion = new Map<number, RecordedEvent>();
	for (let i = 0; i < log.length; i++) {
		const e = log[i]!;
		// Only the first misplaced version is worth a line: every later one is misplaced too.
		if (e.v !== i + 1 && (i === 0 || log[i - 1]!.v === i))
			problems.push(`log: position ${i + 1} holds version ${e.v} (a gap or a duplicate version)`);
		byVersion.set(e.v, e);
		const known = runs.get(e.commandId);
		if (!known) runs.set(e.commandId, { from: e.v, to: e.v });
		else if (known.to === e.v - 1) known.to = e.v;
		else problems.push(`log: command ${e.commandId} took effect twice (versions ${known.from}-${known.to} and ${e.v})`);
	}

	// Acknowledgements against the log.
	const acked = new Set<string>();
	for (const client of clients) {
		for (const ack of client.acked) {
			acked.add(ack.commandId);
			const found = runs.get(ack.commandId);
			if (!found)
				problems.push(`${client.name}: acknowledged command ${ack.commandId} (version ${ack.version}) is not in the log`);
			else if (found.to !== ack.version) {
				problems.push(
					`${client.name}: command ${ack.commandId} was acknowledged at version ${ack.version} but the log has it at ${found.from}-${found.to}`
				);
			}
		}
		for (const refusal of client.refused) {
			if (runs.has(refusal.commandId))
				problems.push(`${client.name}: command ${refusal.commandId} was refused (${refusal.code}) yet is in the log`);
			if (!DOMAIN_REFUSALS.has(refusal.code)) {
				problems.push(
					`${client.name}: command ${refusal.commandId} was refused (${refusal.code}), which is not a domain rule's answer`
				);
			}
		}
	}
	for (const e of log) {
		if (e.v > setupVersion && !acked.has(e.commandId)) {
			problems.push(`log: version ${e.v} (command ${e.commandId}) was never acknowledged to any client`);
			break;
		}
	}

	// Each client's history against the log.
	const snapshotVersions = clients.flatMap((c) => c.entries.flatMap((e) => (e.kind === 'snapshot' ? [e.version] : [])));
	const hashAt = foldedHashes(log, [...snapshotVersions, log.length]);
	for (const client of clients) {
		const problem = historyProblem(client, byVersion, log.length, epoch, hashAt);
		if (problem) problems.push(`${client.name}: ${problem}`);
	}
	return problems;
}

function historyProblem(
	client: ClientHistory,
	log: ReadonlyMap<number, RecordedEvent>,
	head: number,
	epoch: string,
	hashAt: Map<number, string>
): string | null {
	let version: number | null = null;
	for (const [i, entry] of client.entries.entries()) {
		const where = `entry ${i + 1}`;
		if (entry.kind === 'snapshot') {
			if (entry.epoch !== epoch) return `${where}: a snapshot of epoch ${entry.epoch}, the room's is ${epoch}`;
			if (entry.version > head) return `${where}: a snapshot at version ${entry.version}, beyond the log's ${head}`;
			if (version !== null && entry.version < version)
				return `${where}: went back from version ${version} to a snapshot at ${entry.version}`;
			if (hashAt.get(entry.version) !== entry.hash)
				return `${where}: the snapshot at version ${entry.version} is not the state the log folds to there`;
			version = entry.version;
			continue;
		}
		if (version === null) return `${where}: applied version ${entry.v} before loading any state`;
		if (entry.v !== version + 1)
			return `${where}: applied version ${entry.v} right after ${version} (${entry.v <= version ? 'again or out of order' : 'a gap'})`;
		const logged = log.get(entry.v);
		if (!logged) return `${where}: applied version ${entry.v}, which the log does not have`;
		if (logged.commandId !== entry.commandId)
			return `${where}: version ${entry.v} came from command ${entry.commandId}, the log has ${logged.commandId}`;
		version = entry.v;
	}
	if (client.finalHash === null) return null;
	if (version !== head) return `ended at version ${version ?? 'none'}, the log at ${head}`;
	if (client.finalHash !== hashAt.get(head)) return 'ended with a state other than the one the log folds to';
	return null;
}
