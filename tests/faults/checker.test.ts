/**
 * The fault suite's checker must catch each broken promise it claims to check: a clean run passes, and
 * every kind of damage to a log or a client's history is named.
 */
import { describe, expect, it } from 'vitest';
import { decide, emptyRoom, evolveAll, type Command, type RecordedEvent, type RoomState } from '../../src/lib/domain';
import { quote, stateHash } from '../support/test-server';
import { checkRun, recordHistory, type ClientHistory, type RunRecord } from './checker';

const actor = { id: 'u1', name: 'Ann', role: 'facilitator' as const };

/** A real log: each command decided on the state before it, one commandId per command. */
function buildLog(commands: Command[]): RecordedEvent[] {
	let state: RoomState = emptyRoom();
	const log: RecordedEvent[] = [];
	commands.forEach((command, i) => {
		const decision = decide(state, command, { roomId: 'r', actor, now: '2026-11-01T10:00:00.000Z' });
		if (!decision.ok) throw new Error(decision.error.message);
		const events = decision.events.map((event, k) => ({
			v: state.version + 1 + k,
			commandId: `cmd-${i}`,
			at: '2026-11-01T10:00:00.000Z',
			actor: { id: actor.id, name: actor.name },
			event
		}));
		log.push(...events);
		state = evolveAll(state, events);
	});
	return log;
}

const SETUP: Command[] = [
	{ type: 'room.create', name: 'Room', organisation: 'Org' },
	{ type: 'stage.add', stageId: 'apply', name: 'Apply', customerGoal: 'Open an account' },
	{ type: 'complaint.define', categoryId: 'cant-open', stageId: 'apply', touchpointId: null, name: "Can't open", departments: [] }
];
const log = buildLog([...SETUP, ...Array.from({ length: 7 }, (_, n) => quote(`q${n}`, n))]);
const SETUP_VERSION = 3;
const foldTo = (v: number) => evolveAll(emptyRoom(), log.slice(0, v));

/** A client that loaded a snapshot at `from`, then applied every later event, acknowledged for `acks`. */
function client(name: string, from: number, acks: number[] = []): ClientHistory {
	const { history, record } = recordHistory(name);
	record({ kind: 'snapshot', epoch: 'e1', state: foldTo(from) });
	record({ kind: 'events', events: log.slice(from) });
	history.acked = acks.map((v) => ({ commandId: log[v - 1]!.commandId, version: v, duplicate: false }));
	history.finalHash = stateHash(foldTo(log.length));
	return history;
}

/** A run where the writer sent (and was told about) every command after the setup. */
function cleanRun(): RunRecord {
	const writer = client('writer', 3, [4, 5, 6, 7, 8, 9, 10]);
	return { epoch: 'e1', log, setupVersion: SETUP_VERSION, clients: [writer, client('wall', 6)] };
}

describe('the fault-suite checker', () => {
	it('passes a run that kept every promise, including a wall that joined late from a snapshot', () => {
		expect(checkRun(cleanRun())).toEqual([]);
	});

	it('passes a page closed before the end (a reload) whose history stops short of the log', () => {
		const run = cleanRun();
		const closed = client('closed', 4);
		closed.entries = closed.entries.slice(0, 3);
		closed.finalHash = null;
		expect(checkRun({ ...run, clients: [...run.clients, closed] })).toEqual([]);
	});

	const broken: Array<[string, (run: RunRecord) => RunRecord, RegExp]> = [
		[
			'a client that skipped a version',
			(run) => withWall(run, (h) => h.entries.splice(2, 1)),
			/wall: .*applied version 9 right after 7 \(a gap\)/
		],
		[
			'a client that applied a version twice',
			(run) => withWall(run, (h) => h.entries.splice(2, 0, h.entries[1]!)),
			/again or out of order/
		],
		[
			'a client that applied events out of order',
			(run) => withWall(run, (h) => h.entries.reverse()),
			/wall: entry 1: applied version 10 before loading any state/
		],
		[
			'a client whose event came from another command',
			(run) => withWall(run, (h) => ((h.entries[2] as { commandId: string }).commandId = 'cmd-x')),
			/version 8 came from command cmd-x/
		],
		[
			'a snapshot that is not the log folded to its version',
			(run) => withWall(run, (h) => (h.entries[0] = { kind: 'snapshot', epoch: 'e1', version: 6, hash: stateHash(foldTo(5)) })),
			/snapshot at version 6 is not the state/
		],
		[
			'a snapshot that goes back in time',
			(run) => withWall(run, (h) => h.entries.push({ kind: 'snapshot', epoch: 'e1', version: 4, hash: stateHash(foldTo(4)) })),
			/went back from version 10 to a snapshot at 4/
		],
		[
			'a snapshot of another epoch',
			(run) => withWall(run, (h) => ((h.entries[0] as { epoch: string }).epoch = 'e0')),
			/snapshot of epoch e0/
		],
		['a client left behind', (run) => withWall(run, (h) => h.entries.pop()), /wall: ended at version 9, the log at 10/],
		[
			'a client with another final state',
			(run) => withWall(run, (h) => (h.finalHash = stateHash(foldTo(9)))),
			/ended with a state other than/
		],
		[
			'an acknowledged command missing from the log',
			(run) => ({ ...run, log: run.log.slice(0, 9) }),
			/writer: acknowledged command cmd-9 \(version 10\) is not in the log/
		],
		[
			'an ack that names another version',
			(run) => withWriter(run, (h) => (h.acked[0]!.version = 5)),
			/acknowledged at version 5 but the log has it at 4-4/
		],
		[
			'a command that took effect twice',
			(run) => ({ ...run, log: [...run.log, { ...run.log[4]!, v: 11 }] }),
			/command cmd-4 took effect twice \(versions 5-5 and 11\)/
		],
		[
			'a refused command found in the log',
			(run) => withWriter(run, (h) => h.refused.push({ commandId: 'cmd-5', code: 'conflict' })),
			/cmd-5 was refused \(conflict\) yet is in the log/
		],
		[
			'a command refused other than by a domain rule',
			(run) => withWriter(run, (h) => h.refused.push({ commandId: 'cmd-x', code: 'unauthenticated' })),
			/writer: command cmd-x was refused \(unauthenticated\), which is not a domain rule's answer/
		],
		['a log that does not start at version 1', (run) => ({ ...run, log: run.log.slice(1) }), /log: position 1 holds version 2/],
		[
			'a command in the log that nobody was told about',
			(run) => withWriter(run, (h) => h.acked.pop()),
			/log: version 10 \(command cmd-9\) was never acknowledged/
		]
	];
	it('names a gap in the log once, and still finds the commands after it', () => {
		const problems = checkRun({ ...cleanRun(), log: log.filter((e) => e.v !== 6) });
		expect(problems.filter((p) => p.startsWith('log:'))).toEqual([
			'log: position 6 holds version 7 (a gap or a duplicate version)'
		]);
		expect(problems.join('\n')).toMatch(/writer: acknowledged command cmd-5 \(version 6\) is not in the log/);
		expect(problems.join('\n')).not.toMatch(/cmd-[6-9] .*not in the log/);
	});

	it.each(broken)('names %s', (_, damage, expected) => {
		const problems = checkRun(damage(cleanRun()));
		expect(problems.join('\n')).toMatch(expected);
	});
});

function withClient(run: RunRecord, name: string, change: (history: ClientHistory) => unknown): RunRecord {
	const clients = run.clients.map((c) => (c.name === name ? structuredClone(c) : c));
	change(clients.find((c) => c.name === name)!);
	return { ...run, clients };
}
const withWall = (run: RunRecord, change: (history: ClientHistory) => unknown) => withClient(run, 'wall', change);
const withWriter = (run: RunRecord, change: (history: ClientHistory) => unknown) => withClient(run, 'writer', change);
