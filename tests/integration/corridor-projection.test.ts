/**
 * What a screen is sent, checked at the socket (issue 13, items 9 and 2): a TV paired as a corridor
 * display receives, in its join answers and in the live broadcasts, no verbatim, no transcript, no
 * sensitive artifact and no import record; a viewer receives no import record (no ids of raw import
 * files); a facilitator receives everything. The corridor TV's copy of the room, built only from what it
 * was sent (with version checks, as the browser does), ends equal to the corridor projection of the
 * server's state, and a change of the display's mode moves it to the other projection.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evolve, projectState, type Command, type RecordedEvent, type RoomState } from '../../src/lib/domain';
import type { JoinResult, RoomEventsMessage } from '../../src/lib/protocol';
import { BLOB_ID, command } from '../support/factories';
import {
	commandId,
	createRoom,
	join,
	send,
	startTestServer,
	stateHash,
	type TestServer,
	type TestSocket
} from '../support/test-server';

const ROOM = 'corr';
/** Text that only a facilitator's connection may ever carry. */
const SECRET = {
	verbatim: 'SECRET-verbatim-charged-twice',
	liveVerbatim: 'SECRET-live-verbatim',
	surveyVerbatim: 'SECRET-survey-verbatim',
	transcript: 'SECRET-transcript-of-a-call',
	liveTranscript: 'SECRET-live-transcript',
	sensitive: 'SECRET-sensitive-artifact',
	liveSensitive: 'SECRET-live-sensitive-artifact',
	importFile: 'SECRET-import-file-name.csv'
};
const ALL_SECRETS = Object.values(SECRET);
/** What a viewer may not be sent: the raw import file's id and the import record. */
const IMPORT_TRACES = [BLOB_ID, SECRET.importFile];

const artifact = (artifactId: string, title: string, sensitive: boolean, transcript = ''): Command => ({
	type: 'artifact.add',
	artifactId,
	stageId: 'apply',
	touchpointId: null,
	kind: 'audio',
	title,
	caption: '',
	blobId: null,
	url: '/demo/call.mp3',
	transcript,
	currentAsOf: null,
	sensitive,
	replacedBy: null
});

const verbatim = (id: string, text: string) => ({ id, text, date: '2026-11-02', channel: 'Web', segment: null });

/** An import (the factories' example, into this room); `basedOn` is how many imports the room had when its file was read. */
function importCommand(importId: string, basedOn: number): Command {
	const example = command('import.apply');
	return {
		...example,
		importId,
		fileName: SECRET.importFile,
		rows: 1,
		added: 1,
		basedOn,
		mapping: { ...example.mapping, defaultStageId: 'apply' } as typeof example.mapping,
		delta: {
			...example.delta,
			categories: [],
			complaintCounts: [{ categoryId: 'cant-open', period: '2026-11', segment: null, add: 1 }],
			complaintQuotes: [{ categoryId: 'cant-open', verbatim: verbatim(`iq-${importId}`, `${SECRET.liveVerbatim} imported`) }]
		}
	};
}

/**
 * A copy of the room built only from what one connection is sent, the way the browser's room store
 * builds it: snapshots replace it, events must follow its version without a gap, `room:stale` makes it
 * join again from its version. Every payload is kept, to look for what must not be there.
 */
class Mirror {
	state: RoomState | null = null;
	epoch = '';
	audience: string | null = null;
	gaps: string[] = [];
	payloads: string[] = [];
	#joining: Promise<void> | null = null;
	#buffer: RoomEventsMessage[] = [];

	constructor(readonly socket: TestSocket) {
		socket.on('room:events', (message) => {
			this.payloads.push(JSON.stringify(message));
			if (this.#joining) this.#buffer.push(message);
			else this.#apply(message.events);
		});
		socket.on('room:stale', () => void this.join());
	}

	join(): Promise<void> {
		this.#joining ??= (async () => {
			const since = this.state ? { version: this.state.version, epoch: this.epoch } : undefined;
			const result: JoinResult = await join(this.socket, ROOM, since);
			this.payloads.push(JSON.stringify(result));
			if (!result.ok) throw new Error(`join: ${result.message}`);
			this.audience = result.audience;
			this.epoch = result.epoch;
			if (result.mode === 'snapshot') this.state = result.state;
			else this.#apply(result.events);
			this.#joining = null;
			for (const message of this.#buffer.splice(0)) this.#apply(message.events);
		})();
		return this.#joining;
	}

	#apply(events: readonly RecordedEvent[]): void {
		for (const event of events) {
			if (!this.state) continue;
			if (event.v <= this.state.version) continue;
			if (event.v !== this.state.version + 1) {
				this.gaps.push(`at ${this.state.version}, got ${event.v}`);
				void this.join();
				return;
			}
			this.state = evolve(this.state, event);
		}
	}

	/** Resolves once the copy has reached `version` (rejoins included). */
	async reach(version: number, timeoutMs = 10_000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while ((this.state?.version ?? 0) < version || this.#joining) {
			if (Date.now() > until) throw new Error(`stuck at version ${this.state?.version} (wanted ${version})`);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	/** Every payload received so far, as one string, to search. */
	get seen(): string {
		return this.payloads.join('\n');
	}
}

let server: TestServer;
let facilitator: TestSocket;
let tvSocket: TestSocket;
let displayId: string;
let tvToken: string;
const mirrors: Record<'tv' | 'viewer' | 'facilitator', Mirror> = {} as Record<'tv' | 'viewer' | 'facilitator', Mirror>;

async function run(command: Command): Promise<number> {
	const result = await send(facilitator, ROOM, command);
	if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
	return result.version;
}

/** Imports go through the Curate page, never a socket: applied here through the engine, as the server does. */
async function runImport(importId: string, basedOn: number): Promise<number> {
	const result = await server.app.engine.execute(ROOM, commandId(), importCommand(importId, basedOn), {
		id: 'curator',
		name: 'Curator',
		role: 'facilitator'
	});
	if (!result.ok) throw new Error(`import.apply: ${result.message}`);
	return result.version;
}

async function serverState(): Promise<RoomState> {
	const state = await server.app.engine.state(ROOM);
	if (!state) throw new Error('no room');
	return state;
}

async function http(
	path: string,
	body: unknown,
	token?: string
): Promise<{ status: number; body: Record<string, unknown>; setCookie: string | null }> {
	const res = await fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(token ? { cookie: `cr_session=${token}` } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown>, setCookie: res.headers.get('set-cookie') };
}

beforeAll(async () => {
	server = await startTestServer();
	facilitator = await server.client('Fran', { [ROOM]: 'facilitator' });
	await createRoom(facilitator, ROOM);
	await run({ type: 'complaint.quote', categoryId: 'cant-open', verbatim: verbatim('q-1', SECRET.verbatim) });
	await run({
		type: 'survey.define',
		surveyId: 'nps',
		kind: 'nps',
		stageId: 'apply',
		touchpointId: null,
		question: 'Would you recommend us?'
	});
	await run({ type: 'survey.quote', surveyId: 'nps', verbatim: verbatim('sq-1', SECRET.surveyVerbatim) });
	await run(artifact('call-open', 'A call about the form', false, SECRET.transcript));
	await run(artifact('letter', SECRET.sensitive, true, SECRET.transcript));
	await run({ type: 'spotlight.set', target: { kind: 'artifact', id: 'letter' } });
	await runImport('import-1', 0);

	// The TV pairs over HTTP, as the /tv page does, and is registered as a corridor display.
	const fran = await server.access.grantDirectly(ROOM, 'facilitator', 'Fran');
	const started = await http('/api/pair/start', undefined);
	tvToken = /cr_session=([^;]+)/.exec(started.setCookie ?? '')?.[1] ?? '';
	const claimed = await http(
		`/api/rooms/${ROOM}/displays`,
		{ code: started.body.code, name: 'Lobby TV', mode: 'corridor' },
		fran
	);
	if (claimed.status !== 200) throw new Error(`pairing answered ${claimed.status}: ${JSON.stringify(claimed.body)}`);
	displayId = String(claimed.body.displayId);
	tvSocket = connect(server.url, {
		transports: ['websocket'],
		auth: { token: tvToken, kind: 'screen' },
		forceNew: true,
		reconnection: false
	});
	await new Promise<void>((resolve, reject) => {
		tvSocket.once('connect', () => resolve());
		tvSocket.once('connect_error', reject);
	});

	mirrors.tv = new Mirror(tvSocket);
	mirrors.viewer = new Mirror(await server.client('Vic', { [ROOM]: 'viewer' }));
	mirrors.facilitator = new Mirror(await server.client('Fran again', { [ROOM]: 'facilitator' }));
	for (const mirror of Object.values(mirrors)) await mirror.join();
}, 60_000);

afterAll(async () => {
	tvSocket?.disconnect();
	await server?.close();
});

describe('a TV paired as a corridor display', () => {
	it('joins with a snapshot of the corridor projection: no verbatim, transcript, sensitive artifact or import', async () => {
		const tv = mirrors.tv;
		expect(tv.audience).toBe('corridor');
		for (const secret of ALL_SECRETS) expect(tv.seen).not.toContain(secret);
		expect(tv.seen).not.toContain(BLOB_ID);
		const state = tv.state!;
		expect(Object.keys(state.artifacts)).toEqual(['call-open']);
		expect(state.spotlight).toBeNull();
		expect(state.imports).toEqual({});
		expect(state.importMappings).toEqual({});
		expect(state.complaints['cant-open']!.verbatims).toEqual([]);
		// What it shows is still there: the call, the counts, the displays.
		expect(state.complaints['cant-open']!.counts['2026-11']).toBe(1);
		expect(state.displays[displayId]?.mode).toBe('corridor');
		expect(stateHash(state)).toBe(stateHash(projectState(await serverState(), 'corridor')));
	});

	it('is sent live changes without what it may not show, and its copy stays contiguous and equal to the projection', async () => {
		await run({ type: 'complaint.quote', categoryId: 'cant-open', verbatim: verbatim('q-2', SECRET.liveVerbatim) });
		await run(artifact('memo', SECRET.liveSensitive, true, SECRET.liveTranscript));
		await run({
			type: 'artifact.update',
			artifactId: 'call-open',
			patch: { transcript: SECRET.liveTranscript, title: 'The form call' }
		});
		await run({ type: 'call.play', artifactId: 'memo', positionSec: 0 });
		await run({ type: 'call.play', artifactId: 'call-open', positionSec: 3 });
		await run({ type: 'spotlight.set', target: { kind: 'artifact', id: 'memo' } });
		// An artifact marked sensitive, then not, then again (its title is no secret: for a while it shows).
		await run(artifact('poster', 'Poster', true));
		await run({ type: 'artifact.update', artifactId: 'poster', patch: { sensitive: false } });
		await run({ type: 'artifact.update', artifactId: 'poster', patch: { sensitive: true } });
		await runImport('import-2', 1);
		const last = await run({ type: 'stage.update', stageId: 'apply', patch: { name: 'Apply for an account' } });

		for (const mirror of Object.values(mirrors)) await mirror.reach(last);
		const state = await serverState();
		const tv = mirrors.tv;
		for (const secret of ALL_SECRETS) expect(tv.seen).not.toContain(secret);
		expect(tv.seen).not.toContain(BLOB_ID);
		expect(tv.gaps).toEqual([]);
		expect(stateHash(tv.state!)).toBe(stateHash(projectState(state, 'corridor')));
		expect(tv.state!.artifacts['call-open']?.title).toBe('The form call');
		expect(tv.state!.nowPlaying?.artifactId).toBe('call-open');
	});

	it('moves to the room projection when its display is set to room mode, and back', async () => {
		const toRoom = await run({ type: 'display.update', displayId, patch: { mode: 'room' } });
		await mirrors.tv.reach(toRoom);
		await waitFor(() => mirrors.tv.audience === 'viewer');
		expect(mirrors.tv.state!.complaints['cant-open']!.verbatims.map((v) => v.text)).toContain(SECRET.verbatim);
		expect(stateHash(mirrors.tv.state!)).toBe(stateHash(projectState(await serverState(), 'viewer')));

		const back = await run({ type: 'display.update', displayId, patch: { mode: 'corridor' } });
		await mirrors.tv.reach(back);
		await waitFor(() => mirrors.tv.audience === 'corridor');
		const seenFrom = mirrors.tv.payloads.length;
		await run({ type: 'complaint.quote', categoryId: 'cant-open', verbatim: verbatim('q-3', 'SECRET-after-moving-back') });
		const last = await run({ type: 'stage.update', stageId: 'apply', patch: { name: 'Apply' } });
		await mirrors.tv.reach(last);
		expect(mirrors.tv.payloads.slice(seenFrom).join('\n')).not.toContain('SECRET-after-moving-back');
		expect(stateHash(mirrors.tv.state!)).toBe(stateHash(projectState(await serverState(), 'corridor')));
	});
});

describe('a corridor TV that was away', () => {
	it('starts from a snapshot of its new projection when its display was set to room mode while it was away', async () => {
		const state = await serverState();
		const since = { version: state.version, epoch: mirrors.tv.epoch };
		tvSocket.disconnect();
		await run({ type: 'display.update', displayId, patch: { mode: 'room' } });
		tvSocket = connect(server.url, {
			transports: ['websocket'],
			auth: { token: tvToken, kind: 'screen' },
			forceNew: true,
			reconnection: false
		});
		await new Promise<void>((resolve, reject) => {
			tvSocket.once('connect', () => resolve());
			tvSocket.once('connect_error', reject);
		});
		const joined = await join(tvSocket, ROOM, since);
		// Corridor again for the tests after this one, whatever this one finds.
		await run({ type: 'display.update', displayId, patch: { mode: 'corridor' } });
		if (!joined.ok) throw new Error(joined.message);
		expect(joined.audience).toBe('viewer');
		expect(joined.mode).toBe('snapshot');
		expect(JSON.stringify(joined)).toContain(SECRET.verbatim);
	});
});

describe('exports', () => {
	it('a corridor TV that asks for the CSV exports gets them without verbatims or sensitive artifacts', async () => {
		const read = async (kind: string, token: string) => {
			const res = await fetch(`${server.url}/api/rooms/${ROOM}/export/${kind}.csv`, {
				headers: { cookie: `cr_session=${token}` }
			});
			expect(res.status).toBe(200);
			return res.text();
		};
		const fran = await server.access.grantDirectly(ROOM, 'facilitator', 'Fran');
		for (const kind of ['verbatims', 'artifacts', 'complaints', 'surveys']) {
			const text = await read(kind, tvToken);
			for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
		}
		expect(await read('verbatims', fran)).toContain(SECRET.verbatim);
		expect(await read('artifacts', fran)).toContain(SECRET.sensitive);
	});
});

describe('other members', () => {
	it('a viewer is sent verbatims and artifacts but no import record or import file id', async () => {
		const viewer = mirrors.viewer;
		expect(viewer.audience).toBe('viewer');
		for (const trace of IMPORT_TRACES) expect(viewer.seen).not.toContain(trace);
		expect(viewer.seen).toContain(SECRET.verbatim);
		expect(viewer.seen).toContain(SECRET.sensitive);
		expect(viewer.gaps).toEqual([]);
		expect(stateHash(viewer.state!)).toBe(stateHash(projectState(await serverState(), 'viewer')));
	});

	it('a facilitator is sent everything', async () => {
		const facilitatorMirror = mirrors.facilitator;
		expect(facilitatorMirror.audience).toBe('full');
		for (const secret of [...ALL_SECRETS, BLOB_ID]) expect(facilitatorMirror.seen).toContain(secret);
		expect(stateHash(facilitatorMirror.state!)).toBe(stateHash(await serverState()));
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > until) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('new phrases on a corridor TV', () => {
	const server_ = { id: 'server', name: 'Customer Room', role: 'facilitator' as const };
	const settings = (corridorShowsPhrases: boolean) => ({
		corridorHidesVerbatims: true,
		theme: 'dark' as const,
		corridorShowsPhrases
	});

	it('are not sent unless the room allows it, and then without their verbatims', async () => {
		// The TV connected again above: a copy of the room built from its new connection.
		mirrors.tv = new Mirror(tvSocket);
		await mirrors.tv.join();
		// The server's own finding (after the quotes above) is done, so it does not replace the phrases recorded here.
		await server.app.phraseWatch.idle();
		const recorded = await server.app.engine.execute(
			ROOM,
			commandId(),
			{
				type: 'phrases.record',
				stageId: 'apply',
				period: '2026-11',
				phrases: [
					{ text: 'app login', count: 3, baseline: 0, score: 12.5, verbatims: [{ itemId: 'cant-open', verbatimId: 'q-1' }] }
				]
			},
			server_
		);
		if (!recorded.ok) throw new Error(recorded.message);
		const seenFrom = mirrors.tv.payloads.length;
		const hidden = await run({ type: 'stage.update', stageId: 'apply', patch: { name: 'Apply now' } });
		await mirrors.tv.reach(hidden);
		expect(mirrors.tv.state!.phrases).toEqual({});
		expect(mirrors.tv.payloads.slice(seenFrom).join('\n')).not.toContain('app login');
		expect(stateHash(mirrors.tv.state!)).toBe(stateHash(projectState(await serverState(), 'corridor')));

		const allowed = await run({ type: 'room.configure', patch: { settings: settings(true) } });
		await mirrors.tv.reach(allowed);
		const shown = mirrors.tv.state!.phrases['apply']!;
		expect(shown.phrases.map((p) => p.text)).toEqual(['app login']);
		expect(shown.phrases[0]!.verbatims).toEqual([]);
		for (const secret of ALL_SECRETS) expect(mirrors.tv.seen).not.toContain(secret);
		expect(mirrors.tv.state!.complaints['cant-open']!.verbatims).toEqual([]);
		expect(stateHash(mirrors.tv.state!)).toBe(stateHash(projectState(await serverState(), 'corridor')));

		const off = await run({ type: 'room.configure', patch: { settings: settings(false) } });
		await mirrors.tv.reach(off);
		expect(mirrors.tv.state!.phrases).toEqual({});
		// Members in the room see the phrases with their verbatims.
		await mirrors.viewer.reach(off);
		expect(mirrors.viewer.state!.phrases['apply']!.phrases[0]!.verbatims).toHaveLength(1);
	});
});
