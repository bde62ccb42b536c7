/**
 * Seeded fuzzing of the socket protocol (issue 7, "Must show"): thousands of payloads, most of them
 * mutations of valid CommandRequest and JoinRequest objects (wrong types, missing and extra keys,
 * huge strings, deep nesting, unicode, prototype keys, binary), sent as `command` and `room:join` (and the
 * screen-management requests `screens:status` and `display:act`) by a
 * facilitator, a contributor, a viewer and a connection without a session, plus raw socket.io frames.
 *
 * Properties: every message is answered with a typed result (`{ ok: false, code, message }` with a
 * code from the closed list, or a well-formed success); a role never gets more than its table allows;
 * a rejected message never changes the room; and the server keeps serving.
 *
 * The seed is fixed (printed below); to replay a failure, fast-check prints the seed and path to pass.
 */
import fc from 'fast-check';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVED, COMMAND_TYPES, mayIssue, type CommandType } from '../../src/lib/domain';
import { ErrorCode } from '../../src/lib/protocol';
import type { Role } from '../../server/access/access-service';
import { exampleFor, roomHash, seedRoom } from '../support/seed-room';
import { commandId, send, startTestServer, type TestServer, type TestSocket } from '../support/test-server';

const SEED = 20_260_312;
const RUNS = { command: 1_500, join: 500, raw: 400, silent: 200, screens: 300 };

/** The room the fuzzing aims at (furnished), and one the sessions hold grants for but that does not exist. */
const ROOM = 'fz-main';
const UNBORN = 'fz-unborn';
const PRINCIPALS = ['facilitator', 'contributor', 'viewer', 'nobody'] as const;
type Principal = (typeof PRINCIPALS)[number];

let server: TestServer;
const sockets = {} as Record<Principal, TestSocket>;
const CODES = new Set<string>(ErrorCode.options);
/** Room ids that exist on the server; grows only when a (valid) room.create is accepted. */
let knownRooms: string[] = [];

beforeAll(async () => {
	console.log(`fuzz-protocol: fast-check seed ${SEED} (properties use ${SEED}+0..3), runs ${JSON.stringify(RUNS)}`);
	server = await startTestServer();
	const grants = (role: Role) => ({ [ROOM]: role, [UNBORN]: role, constructor: role, toString: role });
	for (const role of ['facilitator', 'contributor', 'viewer'] as const)
		sockets[role] = await server.client(`Fuzz ${role}`, grants(role));
	await seedRoom(sockets.facilitator, ROOM);
	for (const role of ['contributor', 'viewer'] as const) {
		const joined = await sockets[role].timeout(5_000).emitWithAck('room:join', { roomId: ROOM });
		if (!joined.ok) throw new Error(joined.message);
	}
	sockets.nobody = await anonymous();
	knownRooms = (await server.app.engine.listRooms()).map((r) => r.id).sort();
});

afterAll(async () => {
	sockets.nobody?.disconnect();
	await server?.close();
});

function anonymous(): Promise<TestSocket> {
	const socket: TestSocket = connect(server.url, {
		transports: ['websocket'],
		auth: { name: 'Anon' },
		forceNew: true,
		reconnection: false
	});
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', reject);
	});
}

/** Emits any payload (the typed client would refuse most of them) and waits for the ack. */
function emitRaw(socket: TestSocket, event: string, payload: unknown): Promise<unknown> {
	const loose = socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> } };
	return loose.timeout(5_000).emitWithAck(event, payload);
}

const hashOfRoom = () => roomHash(server.app.engine.state, ROOM);

// ---------------------------------------------------------------------------------------------
// Arbitraries.
// ---------------------------------------------------------------------------------------------

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

function deep(depth: number, leaf: unknown): unknown {
	let v: unknown = leaf;
	for (let i = 0; i < depth; i++) v = i % 2 ? { nested: v } : [v];
	return v;
}

/** Values no schema should accept where a value of another kind is expected, and some it may. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.anything({
			maxDepth: 3,
			maxKeys: 6,
			withNullPrototype: true,
			withBoxedValues: true,
			withDate: true,
			withMap: true,
			withSet: true,
			withTypedArray: true,
			withSparseArray: true,
			stringUnit: 'binary'
		})
	},
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
	{ weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
	{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
	{ weight: 1, arbitrary: fc.integer({ min: 100, max: 50_000 }).map((n) => '\u{1F4A9}\u0301\u202E'.repeat(Math.ceil(n / 3))) },
	{
		weight: 1,
		arbitrary: fc
			.tuple(fc.integer({ min: 10, max: 3_000 }), fc.constantFrom<unknown>('leaf', 1, null, { type: 'stage.add' }))
			.map(([d, leaf]) => deep(d, leaf))
	},
	{ weight: 1, arbitrary: fc.uint8Array({ maxLength: 128 }) },
	{
		weight: 2,
		arbitrary: fc.constantFrom<unknown>(
			...PROTO_KEYS,
			'',
			' ',
			'\u0000',
			'null',
			NaN,
			Infinity,
			-Infinity,
			-0,
			-1,
			1e308,
			2 ** 53,
			0.5,
			null,
			undefined,
			true,
			false,
			[],
			{},
			'2026-02-30',
			'2026-13',
			'9999-12-31',
			'stage-1',
			'tp-1',
			'cat-1',
			'display-1',
			'fz-main',
			'../fz-main',
			'fz-main\u0000'
		)
	}
);

const idLike = fc.oneof(
	fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
	fc.constantFrom(ROOM, UNBORN, 'stage-1', 'tp-1', ...PROTO_KEYS),
	fc.string({ unit: 'binary', maxLength: 80 })
);

type Mutation =
	| { at: number; kind: 'set'; value: unknown }
	| { at: number; kind: 'delete' }
	| { at: number; kind: 'extra'; key: string; value: unknown }
	| { at: number; kind: 'own-proto-key'; key: string; value: unknown }
	| { at: number; kind: 'retype' }
	| { at: number; kind: 'plausible'; string: string; number: number };

/** Schema-valid but tricky values: ids of things that exist (or not), prototype names, edge numbers. */
const PLAUSIBLE_STRINGS = [
	'stage-1',
	'stage-2',
	'tp-1',
	'tp-2',
	'art-1',
	'cat-1',
	'kpi-1',
	'survey-1',
	'team-1',
	'win-1',
	'display-1',
	'call-1',
	'stage-new',
	'nope',
	'constructor',
	'toString',
	'hasOwnProperty',
	'valueOf',
	'isPrototypeOf',
	'__defineGetter__',
	'prototype',
	'__proto__',
	'length',
	'0',
	'facilitator',
	'viewer',
	'room',
	'corridor',
	'audio',
	'link',
	'nps',
	'csat',
	'ces',
	'done',
	'2026-02',
	'2026-02-29',
	'2026-02-28',
	'1970-01-01',
	'/',
	'javascript:alert(1)',
	'https://example.com',
	'\u202Eevil',
	' padded '
];
const PLAUSIBLE_NUMBERS = [-1, 0, 0.5, 1, 2, 5, 10, 10.01, 11, 1000, 1001, 3600, 3601, 86_400, 86_401, 1e9, 1e9 + 1, 2 ** 31, -0];

const plausibleMutation: fc.Arbitrary<Mutation> = fc.record({
	at: fc.nat(),
	kind: fc.constant('plausible' as const),
	string: fc.constantFrom(...PLAUSIBLE_STRINGS),
	number: fc.constantFrom(...PLAUSIBLE_NUMBERS)
});

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ at: fc.nat(), kind: fc.constant('set' as const), value: junk }) },
	{ weight: 2, arbitrary: fc.record({ at: fc.nat(), kind: fc.constant('delete' as const) }) },
	{
		weight: 2,
		arbitrary: fc.record({
			at: fc.nat(),
			kind: fc.constant('extra' as const),
			key: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...PROTO_KEYS)),
			value: junk
		})
	},
	{
		weight: 2,
		arbitrary: fc.record({
			at: fc.nat(),
			kind: fc.constant('own-proto-key' as const),
			key: fc.constantFrom(...PROTO_KEYS),
			value: junk
		})
	},
	{ weight: 2, arbitrary: fc.record({ at: fc.nat(), kind: fc.constant('retype' as const) }) },
	{ weight: 8, arbitrary: plausibleMutation }
);

type Json = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Json => typeof v === 'object' && v !== null;

/**
 * Every path to a node of `value` (the root is []), descending only into `owned` containers: the copy
 * of the valid message, never into generated values (which fast-check may share between runs).
 */
function paths(
	value: unknown,
	owned: WeakSet<object>,
	prefix: Array<string | number> = [],
	out: Array<Array<string | number>> = []
) {
	out.push(prefix);
	if (isContainer(value) && owned.has(value) && prefix.length < 6) {
		for (const [k, v] of Object.entries(value)) paths(v, owned, [...prefix, Array.isArray(value) ? Number(k) : k], out);
	}
	return out;
}

function ownAll(value: unknown, owned: WeakSet<object>): void {
	if (!isContainer(value)) return;
	owned.add(value);
	for (const v of Object.values(value)) ownAll(v, owned);
}

function retyped(v: unknown): unknown {
	if (typeof v === 'string') return v.length ? [v] : 0;
	if (typeof v === 'number') return String(v);
	if (typeof v === 'boolean') return v ? 'true' : 1;
	if (v === null) return 'null';
	if (v === undefined) return null;
	if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
	return Object.values(v as object);
}

/** Applies mutations to a deep copy of a valid message. */
function mutate(valid: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
	let root: unknown = structuredClone(valid);
	const owned = new WeakSet<object>();
	ownAll(root, owned);
	for (const m of mutations) {
		const all = paths(root, owned);
		const path = all[m.at % all.length]!;
		const parent = path.length
			? (path.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string, unknown>)[k as string], root) as Record<
					string,
					unknown
				>)
			: null;
		const key = path[path.length - 1];
		const current = parent ? parent[key as string] : root;
		const replace = (next: unknown) => {
			if (parent) parent[key as string] = next;
			else root = next;
		};
		switch (m.kind) {
			case 'set':
				replace(m.value);
				break;
			case 'plausible':
				// Keeps the kind of the leaf, so the message often still parses and reaches the rules.
				if (typeof current === 'string') replace(m.string);
				else if (typeof current === 'number') replace(m.number);
				else if (typeof current === 'boolean') replace(!current);
				else if (current === null) replace(m.string);
				break;
			case 'retype':
				replace(isContainer(current) && !owned.has(current) ? 'retyped' : retyped(current));
				break;
			case 'delete':
				if (parent && Array.isArray(parent)) parent.splice(Number(key), 1);
				else if (parent) delete parent[key as string];
				else root = undefined;
				break;
			case 'extra':
			case 'own-proto-key': {
				const target =
					isContainer(current) && owned.has(current) && !Array.isArray(current)
						? current
						: parent && !Array.isArray(parent)
							? parent
							: null;
				if (!target) break;
				// An own property named like a prototype key, as JSON.parse makes one on the server.
				Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
				break;
			}
		}
	}
	return root;
}

const validCommandRequest = fc
	.record({
		type: fc.constantFrom(...COMMAND_TYPES),
		roomId: fc.oneof(
			{ weight: 8, arbitrary: fc.constant(ROOM) },
			{ weight: 1, arbitrary: fc.constant(UNBORN) },
			{ weight: 1, arbitrary: idLike }
		),
		commandId: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/)
	})
	.map(({ type, roomId, commandId }) => ({ roomId, commandId, command: exampleFor(type) as unknown as Record<string, unknown> }));

const commandPayload: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc.tuple(validCommandRequest, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => mutate(v, ms))
	},
	// Mutations that mostly keep the message valid, so it gets past the schema to the rules.
	{
		weight: 4,
		arbitrary: fc
			.tuple(validCommandRequest, fc.array(plausibleMutation, { minLength: 1, maxLength: 3 }))
			.map(([v, ms]) => mutate(v, ms))
	},
	{ weight: 2, arbitrary: validCommandRequest },
	{ weight: 1, arbitrary: junk },
	{ weight: 1, arbitrary: fc.anything({ maxDepth: 4, withNullPrototype: true, withTypedArray: true, stringUnit: 'grapheme' }) }
);

const validJoinRequest = fc.record(
	{
		roomId: fc.oneof(
			{ weight: 6, arbitrary: fc.constant(ROOM) },
			{ weight: 1, arbitrary: fc.constant(UNBORN) },
			{ weight: 2, arbitrary: idLike }
		),
		since: fc.record({ version: fc.oneof(fc.nat(), fc.constant(1e9)), epoch: fc.string({ maxLength: 64 }) })
	},
	{ requiredKeys: ['roomId'] }
);

const joinPayload: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.tuple(validJoinRequest, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => mutate(v, ms))
	},
	{ weight: 1, arbitrary: validJoinRequest },
	{ weight: 2, arbitrary: junk }
);

// ---------------------------------------------------------------------------------------------
// Checks.
// ---------------------------------------------------------------------------------------------

/** Screen management (issue 21): a facilitator reads health and sends a screen an action. */
const validScreenRequest = fc.record(
	{
		roomId: fc.oneof(
			{ weight: 6, arbitrary: fc.constant(ROOM) },
			{ weight: 1, arbitrary: fc.constant(UNBORN) },
			{ weight: 2, arbitrary: idLike }
		),
		displayId: fc.oneof(fc.constant('display-1'), idLike),
		action: fc.constantFrom('identify', 'reload', 'shutdown')
	},
	{ requiredKeys: ['roomId'] }
);
const screenPayload: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.tuple(validScreenRequest, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => mutate(v, ms))
	},
	{ weight: 1, arbitrary: validScreenRequest },
	{ weight: 2, arbitrary: junk }
);

type AckedEvent = 'command' | 'room:join' | 'screens:status' | 'display:act';

/** The answer is typed: a refusal from the closed list, or a success of the event's shape. */
function checkAnswer(event: AckedEvent, answer: unknown): { ok: boolean; code?: string } {
	expect(answer, 'every message is answered with an object').toBeTypeOf('object');
	const a = answer as Record<string, unknown>;
	if (a.ok === false) {
		expect(CODES.has(a.code as string), `code ${String(a.code)} is in the closed list`).toBe(true);
		expect(a.message).toBeTypeOf('string');
		expect((a.message as string).length).toBeGreaterThan(0);
		for (const key of Object.keys(a)) expect(['ok', 'code', 'message', 'issues']).toContain(key);
		if ('issues' in a) expect(Array.isArray(a.issues)).toBe(true);
		// Bad input is the client's problem: never a crash of ours, never blamed on the store.
		expect(['internal', 'unavailable']).not.toContain(a.code);
		return { ok: false, code: a.code as string };
	}
	expect(a.ok).toBe(true);
	if (event === 'screens:status') expect(Object.keys(a).sort()).toEqual(['ok', 'screens', 'serverTime']);
	else if (event === 'display:act') expect(Object.keys(a).sort()).toEqual(['delivered', 'ok']);
	else if (event === 'command') {
		expect(Object.keys(a).sort()).toEqual(['duplicate', 'ok', 'version']);
		expect(Number.isInteger(a.version) && (a.version as number) > 0).toBe(true);
		expect(a.duplicate).toBeTypeOf('boolean');
	} else {
		expect(['events', 'snapshot']).toContain(a.mode);
		expect(a.roomId).toBeTypeOf('string');
		expect(a.epoch).toBeTypeOf('string');
		expect(['facilitator', 'contributor', 'viewer']).toContain(a.role);
	}
	return { ok: true };
}

/** The command type a payload names, if it is a valid-looking request (for the role check). */
function namedType(payload: unknown): CommandType | null {
	const command = isContainer(payload) ? (payload as Record<string, unknown>).command : null;
	const type = isContainer(command) ? (command as Record<string, unknown>).type : null;
	return typeof type === 'string' && (COMMAND_TYPES as string[]).includes(type) ? (type as CommandType) : null;
}

async function stillServing(): Promise<void> {
	for (const p of PRINCIPALS) expect(sockets[p].connected, `${p} is still connected`).toBe(true);
	const before = await hashOfRoom();
	const ok = await send(sockets.facilitator, ROOM, { type: 'room.configure', patch: { name: `Probe ${commandId()}` } });
	expect(ok).toMatchObject({ ok: true });
	expect(await hashOfRoom()).not.toBe(before);
	const joined = await emitRaw(sockets.viewer, 'room:join', { roomId: ROOM });
	expect(joined).toMatchObject({ ok: true, role: 'viewer' });
	const health = await fetch(`${server.url}/api/health`);
	expect(health.status).toBe(200);
	expect((await server.app.engine.listRooms()).map((r) => r.id).sort()).toEqual(knownRooms);
}

const stats = { answers: 0, refused: new Map<string, number>(), accepted: 0 };
const count = (code: string) => stats.refused.set(code, (stats.refused.get(code) ?? 0) + 1);

describe('fuzzing the socket protocol (fast-check, fixed seed)', () => {
	it(`answers ${RUNS.command} fuzzed commands from every role with typed results, and no refusal changes the room`, async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...PRINCIPALS), commandPayload, async (who, payload) => {
				const before = await hashOfRoom();
				const answer = await emitRaw(sockets[who], 'command', payload);
				const { ok, code } = checkAnswer('command', answer);
				stats.answers++;
				if (!ok) {
					count(code!);
					expect(await hashOfRoom(), 'a refused command changes nothing').toBe(before);
					return;
				}
				stats.accepted++;
				expect(who).not.toBe('nobody');
				if ((answer as { duplicate: boolean }).duplicate) {
					// A commandId seen before is answered from the log, and applies nothing (roles are checked
					// before that, so only a role allowed to send it learns of it).
					expect(await hashOfRoom(), 'a duplicate changes nothing').toBe(before);
					return;
				}
				// Only what the table allows gets through, whatever the payload looked like.
				const type = namedType(payload);
				expect(type).not.toBeNull();
				expect(mayIssue(who as Role, type!), `${who} may send ${type}`).toBe(true);
				const roomId = (payload as { roomId: string }).roomId;
				if (type === 'room.create' && !knownRooms.includes(roomId)) knownRooms = [...knownRooms, roomId].sort();
				if (type === 'room.archive' && roomId === ROOM) {
					// An archived room refuses everything else, with the sentence that says how to restore it;
					// restoring it keeps the fuzzing reaching the room's rules.
					const probe = await send(sockets.facilitator, ROOM, { type: 'room.configure', patch: { name: 'While archived' } });
					expect(probe).toEqual({ ok: false, code: 'conflict', message: ARCHIVED });
					expect(await send(sockets.facilitator, ROOM, { type: 'room.unarchive' })).toMatchObject({ ok: true });
				}
			}),
			{ seed: SEED, numRuns: RUNS.command, endOnFailure: true }
		);
		await stillServing();
	}, 60_000);

	it(`answers ${RUNS.join} fuzzed joins with typed results; a join never changes the room`, async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...PRINCIPALS), joinPayload, async (who, payload) => {
				const before = await hashOfRoom();
				const answer = await emitRaw(sockets[who], 'room:join', payload);
				const { ok, code } = checkAnswer('room:join', answer);
				stats.answers++;
				if (!ok) count(code!);
				else {
					expect(who).not.toBe('nobody');
					expect((answer as { role: string }).role).toBe(who);
				}
				expect(await hashOfRoom()).toBe(before);
			}),
			{ seed: SEED + 1, numRuns: RUNS.join, endOnFailure: true }
		);
		await stillServing();
	}, 60_000);

	it(`answers ${RUNS.screens} fuzzed screen requests with typed results: only a facilitator is answered, nothing changes`, async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...PRINCIPALS),
				fc.constantFrom('screens:status' as const, 'display:act' as const),
				screenPayload,
				async (who, event, payload) => {
					const before = await hashOfRoom();
					const answer = await emitRaw(sockets[who], event, payload);
					const { ok, code } = checkAnswer(event, answer);
					stats.answers++;
					if (!ok) count(code!);
					else expect(who, `${event} answered`).toBe('facilitator');
					expect(await hashOfRoom()).toBe(before);
				}
			),
			{ seed: SEED + 4, numRuns: RUNS.screens, endOnFailure: true }
		);
		await stillServing();
	}, 60_000);

	it(`survives ${RUNS.raw} raw socket.io frames: each is answered, ignored, or closes that connection only`, async () => {
		// A raw frame is the packet text after engine.io's "4": type digit, attachments, namespace, ack id, JSON.
		const json = fc.oneof(
			commandPayload.map((p) => JSON.stringify(['command', p]) ?? 'null'),
			joinPayload.map((p) => JSON.stringify(['room:join', p]) ?? 'null'),
			fc.string({ unit: 'binary', maxLength: 200 }),
			fc.constantFrom(
				'[',
				'["command"',
				'{}',
				'[]',
				'["command",{"_placeholder":true,"num":0}]',
				'[1,2]',
				'["__proto__",{}]',
				'["constructor"]',
				'null'
			)
		);
		// Ack ids far above the client's own counter, so an answer is known to be the frame's.
		const wellFormed = fc
			.tuple(
				fc.option(
					fc.nat({ max: 999_999 }).map((n) => 900_000_000 + n),
					{ nil: undefined }
				),
				fc.oneof(
					commandPayload.map((p) => ['command', p]),
					joinPayload.map((p) => ['room:join', p])
				)
			)
			.map(([ack, args]) => ({ text: `2${ack ?? ''}${JSON.stringify(args)}`, ack }));
		const malformed = fc
			.tuple(
				fc.constantFrom('2', '5', '3', '6', '0', '1', '4', '7', '9', ''),
				fc.constantFrom('', '1-', '10-', '999999999999-', '-1-'),
				fc.constantFrom('', '/', '/admin,', '/,', 'x,'),
				fc.oneof(fc.constant(''), fc.nat().map(String), fc.constant('99999999999999999999')),
				json
			)
			.map((parts) => ({ text: parts.join(''), ack: undefined }));
		const frame = fc.oneof({ weight: 3, arbitrary: wellFormed }, { weight: 2, arbitrary: malformed });
		const outcomes = { answered: 0, closed: 0, silent: 0 };
		let raw: TestSocket | null = null;
		await fc.assert(
			fc.asyncProperty(frame, async ({ text, ack }) => {
				// A viewer, joined: nothing it sends can be applied, so the room must never change.
				if (!raw?.connected) raw = await rawViewer();
				const socket = raw;
				const before = await hashOfRoom();
				const engine = socket.io.engine;
				const answered = new Promise<'answered' | 'closed'>((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error(`no answer to a frame with ack id ${ack}`)), 5_000);
					const onMessage = (data: unknown) => {
						// An ack frame: "3", the ack id, the JSON array of its arguments.
						const match = typeof data === 'string' ? /^3(\d+)(\[.*)$/s.exec(data) : null;
						if (!match || Number(match[1]) !== ack) return;
						const [answer] = JSON.parse(match[2]!) as unknown[];
						const { ok, code } = checkAnswer(
							text.startsWith('2' + String(ack) + '["room:join"') ? 'room:join' : 'command',
							answer
						);
						if (!ok) count(code!);
						else expect(text.startsWith(`2${ack}["room:join"`), "a viewer's command is never accepted").toBe(true);
						done('answered');
					};
					const onClose = () => done('closed');
					function done(outcome: 'answered' | 'closed') {
						clearTimeout(timer);
						engine.off('message', onMessage);
						socket.off('disconnect', onClose);
						resolve(outcome);
					}
					engine.on('message', onMessage);
					socket.on('disconnect', onClose);
				});
				engine.write(text);
				if (ack !== undefined) outcomes[await answered]++;
				else {
					answered.catch(() => undefined);
					// No answer expected: a round trip on the same connection, unless the frame closed it.
					const barrier = await socket
						.timeout(2_000)
						.emitWithAck('room:join', { roomId: '__nothing__' })
						.then(
							() => 'silent' as const,
							() => 'closed' as const
						);
					outcomes[socket.connected ? barrier : 'closed']++;
					// No answer to the round trip (e.g. the frame disconnected the namespace): start afresh.
					if (barrier === 'closed') {
						socket.disconnect();
						raw = null;
					}
				}
				expect(await hashOfRoom()).toBe(before);
			}),
			{ seed: SEED + 2, numRuns: RUNS.raw, endOnFailure: true }
		);
		(raw as TestSocket | null)?.disconnect();
		console.log(`fuzz-protocol: raw frames ${JSON.stringify(outcomes)}`);
		expect(outcomes.answered).toBeGreaterThan(RUNS.raw / 10);
		await stillServing();
	}, 60_000);

	it(`drops ${RUNS.silent} messages without an ack or to unknown events, and keeps serving`, async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...PRINCIPALS),
				fc.oneof(
					fc.constantFrom(
						'command',
						'room:join',
						'room:leave',
						'server:hello',
						'room:events',
						'access:revoked',
						'error',
						'display:health',
						'screens:status',
						'display:act'
					),
					// socket.io-client refuses to emit its own reserved names.
					fc
						.string({ maxLength: 30 })
						.filter(
							(e) => !['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(e)
						)
				),
				fc.oneof(commandPayload, joinPayload),
				async (who, event, payload) => {
					const before = await hashOfRoom();
					(sockets[who] as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
					// A round trip afterwards: everything sent before it has been handled.
					await emitRaw(sockets[who], 'room:join', { roomId: '__nothing__' });
					expect(await hashOfRoom()).toBe(before);
				}
			),
			{ seed: SEED + 3, numRuns: RUNS.silent, endOnFailure: true }
		);
		// room:leave may have taken a socket out of the room: join again, then check.
		for (const role of ['facilitator', 'contributor', 'viewer'] as const)
			await emitRaw(sockets[role], 'room:join', { roomId: ROOM });
		await stillServing();
		console.log(
			`fuzz-protocol: ${stats.answers} answers (${stats.accepted} accepted commands), refusals by code:`,
			Object.fromEntries([...stats.refused].sort())
		);
		expect(stats.refused.get('invalid_payload') ?? 0).toBeGreaterThan(100);
		expect(stats.refused.get('forbidden') ?? 0).toBeGreaterThan(10);
		expect(stats.refused.get('unauthenticated') ?? 0).toBeGreaterThan(10);
	}, 60_000);
});

/** A fresh connection of a viewer of the room, joined to it (a raw frame may close it). */
async function rawViewer(): Promise<TestSocket> {
	const socket = await server.client('Raw', { [ROOM]: 'viewer' });
	const joined = await emitRaw(socket, 'room:join', { roomId: ROOM });
	if (!(joined as { ok: boolean }).ok) throw new Error('raw client could not join');
	return socket;
}
