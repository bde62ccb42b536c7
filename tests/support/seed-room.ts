/**
 * Builds the factories' furnished room (one of everything; every COMMAND_EXAMPLES entry applies there)
 * on a running server, by sending the very commands `furnishedRoom()` folds, over a facilitator socket.
 * Tests that go through real sockets use it to get the room the pure-domain tests reason about.
 */
import { DEFAULT_REDACTION, SERVER_ONLY_COMMANDS, type Command, type CommandType, type RoomState } from '../../src/lib/domain';
import type { CommandResult, JoinResult } from '../../src/lib/protocol';
import { COMMAND_EXAMPLES, furnishedRoom, waitingForReview } from './factories';
import { commandId, stateHash, type TestSocket } from './test-server';

/** The commands that furnish a room, room.create first. */
export const FURNISHING: readonly Command[] = furnishedRoom().commands;

/**
 * What must have happened in a furnished room before a command example can apply (a session is
 * running, a call is playing, something is in the spotlight). Sent by a facilitator.
 */
export const PRECONDITIONS: Partial<Record<CommandType, Command[]>> = {
	'session.focus': [COMMAND_EXAMPLES['session.start']],
	'session.setTimer': [COMMAND_EXAMPLES['session.start']],
	'session.attend': [COMMAND_EXAMPLES['session.start']],
	'session.decide': [COMMAND_EXAMPLES['session.start']],
	'session.reviseDecision': [COMMAND_EXAMPLES['session.start'], COMMAND_EXAMPLES['session.decide']],
	'session.removeDecision': [COMMAND_EXAMPLES['session.start'], COMMAND_EXAMPLES['session.decide']],
	'session.end': [COMMAND_EXAMPLES['session.start']],
	'session.checkIn': [COMMAND_EXAMPLES['session.start']],
	'vote.open': [COMMAND_EXAMPLES['session.start']],
	'vote.cast': [COMMAND_EXAMPLES['session.start'], COMMAND_EXAMPLES['vote.open']],
	'vote.reveal': [COMMAND_EXAMPLES['session.start'], COMMAND_EXAMPLES['vote.open']],
	'vote.cancel': [COMMAND_EXAMPLES['session.start'], COMMAND_EXAMPLES['vote.open']],
	'call.pause': [COMMAND_EXAMPLES['call.play']],
	'call.stop': [COMMAND_EXAMPLES['call.play']],
	'spotlight.clear': [COMMAND_EXAMPLES['spotlight.set']],
	// A wrong value can be removed only where there is one.
	'kpi.unrecord': [COMMAND_EXAMPLES['kpi.record']],
	'room.unarchive': [COMMAND_EXAMPLES['room.archive']],
	// Only a done action opens again.
	'action.reopen': [COMMAND_EXAMPLES['action.complete']],
	// Masking has something to mask only in words stored while it was off.
	'room.redact': [
		{
			type: 'room.configure',
			patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', redaction: { ...DEFAULT_REDACTION, kinds: [] } } }
		},
		{
			type: 'complaint.quote',
			categoryId: 'cat-1',
			verbatim: { id: 'v-unmasked', text: 'Write to me at jo@example.com.', date: '2026-03-01', channel: 'web', segment: null }
		},
		{ type: 'room.configure', patch: { settings: { corridorHidesVerbatims: true, theme: 'dark', redaction: DEFAULT_REDACTION } } }
	],
	// A rule is removed only where there is one.
	'rule.remove': [{ type: 'rule.save', ruleId: 'rule-1', categoryId: 'cat-1', all: ['late fee'], any: [], none: [] }],
	// A verbatim is placed only while one waits for review (an import left it there).
	'review.place': [waitingForReview()],
	// stage-1 holds things, and removing a stage that holds things is refused: remove an empty one.
	'stage.remove': [{ type: 'stage.add', stageId: 'stage-empty', name: 'Empty', customerGoal: '' }]
};

/**
 * The example to send for `type` in a furnished room that has had PRECONDITIONS[type] applied: the
 * factories' example, except where that example is refused for reasons of state, not of role.
 */
export function exampleFor(type: CommandType): Command {
	if (type === 'stage.remove') return { type: 'stage.remove', stageId: 'stage-empty' };
	return structuredClone(COMMAND_EXAMPLES[type]);
}

function sendCommand(socket: TestSocket, roomId: string, command: Command): Promise<CommandResult> {
	return socket.timeout(10_000).emitWithAck('command', { roomId, commandId: commandId(), command });
}

/**
 * Sends a command no socket may send (an import's result) straight to the server's engine, as the
 * server's own import would. Precondition commands of a server-only type need it.
 */
export type ServerSide = (roomId: string, command: Command) => Promise<CommandResult>;

/**
 * Furnishes `roomId` (which must not exist yet) through `socket`, a facilitator of it, then applies
 * `then` (server-only commands through `serverSide`). The socket is left joined to the room. Throws,
 * naming the command, on any refusal.
 */
export async function seedRoom(
	socket: TestSocket,
	roomId: string,
	then: readonly Command[] = [],
	serverSide?: ServerSide
): Promise<void> {
	const [create, ...rest] = FURNISHING;
	const created = await sendCommand(socket, roomId, create!);
	if (!created.ok) throw new Error(`seeding ${roomId}: room.create: ${created.code}: ${created.message}`);
	const joined: JoinResult = await socket.timeout(10_000).emitWithAck('room:join', { roomId });
	if (!joined.ok) throw new Error(`seeding ${roomId}: join: ${joined.code}: ${joined.message}`);
	// One at a time: later commands refer to what earlier ones made.
	for (const command of [...rest, ...then]) {
		const viaServer = SERVER_ONLY_COMMANDS.has(command.type);
		if (viaServer && !serverSide) throw new Error(`seeding ${roomId}: ${command.type} needs the server's engine (serverSide)`);
		const result = viaServer ? await serverSide!(roomId, command) : await sendCommand(socket, roomId, command);
		if (!result.ok) throw new Error(`seeding ${roomId}: ${command.type}: ${result.code}: ${result.message}`);
	}
}

/** Furnishes many rooms, a few at a time (rooms are independent, so they can be built side by side). */
export async function seedRooms(
	socket: TestSocket,
	rooms: ReadonlyArray<{ roomId: string; then?: readonly Command[] }>,
	concurrency = 8,
	serverSide?: ServerSide
): Promise<void> {
	const queue = [...rooms];
	const worker = async () => {
		for (let next = queue.shift(); next; next = queue.shift()) await seedRoom(socket, next.roomId, next.then, serverSide);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
}

/**
 * A fingerprint of a room's committed state on the server (sha256 of its canonical JSON), or 'absent'
 * when the room does not exist: equal fingerprints, equal rooms.
 */
export async function roomHash(read: (roomId: string) => Promise<RoomState | null>, roomId: string): Promise<string> {
	const state = await read(roomId);
	return state ? stateHash(state) : 'absent';
}
