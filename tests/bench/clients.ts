/**
 * The runner's own clients: a laptop (a person's socket that sends commands), session tokens from the
 * admin API, and commands that always apply (so a benchmark never measures refusals).
 */
import { io as connect } from 'socket.io-client';
import type { Command } from '../../src/lib/domain';
import { sessionToken } from '../support/server-process';
import { createRoom, join, type TestSocket } from '../support/test-server';

/** A connected socket (websocket only, like the browser), signed in with `token` when given. */
export async function connectClient(url: string, token?: string, name = 'Bench laptop'): Promise<TestSocket> {
	const socket: TestSocket = connect(url, {
		transports: ['websocket'],
		auth: token ? { name, token, kind: 'person' } : {},
		forceNew: true,
		reconnection: false
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

/** `count` distinct sessions with `role` in `roomId`, made through the admin API a few at a time. */
export async function mintTokens(
	url: string,
	roomId: string,
	role: 'facilitator' | 'contributor' | 'viewer',
	count: number,
	concurrency = 8
): Promise<string[]> {
	const tokens: string[] = new Array(count);
	let next = 0;
	const worker = async () => {
		for (let i = next++; i < count; i = next++) tokens[i] = await sessionToken(url, roomId, role, `Bench ${role} ${i + 1}`);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	return tokens;
}

/** A wall update: the touchpoint `form` of tests/support createRoom, alternating broken and reliable. */
export function assessCommand(seq: number): Command {
	return {
		type: 'touchpoint.assess',
		touchpointId: 'form',
		maturity: seq % 2 === 0 ? 'broken' : 'reliable',
		evidence: 'Mystery shop of 20 customers, benchmark run'
	};
}

/** A monthly complaint count (one of twelve months, so the room's state stays the same size): always applies. */
export function countCommand(categoryId: string, n: number): Command {
	return { type: 'complaint.count', categoryId, period: `2026-${String((n % 12) + 1).padStart(2, '0')}`, count: n % 1000 };
}

/** A verbatim added to complaint category `categoryId`: always applies (each has a fresh id). */
export function quoteCommand(categoryId: string, id: string): Command {
	return {
		type: 'complaint.quote',
		categoryId,
		verbatim: {
			id,
			text: 'Waited forty minutes on the phone and nobody could see my case.',
			date: '2026-01-15',
			channel: 'Phone',
			segment: null
		}
	};
}

/**
 * `count` laptops joined to a new small room `roomId` (tests/support createRoom: a stage, touchpoint `form`,
 * complaint category `cant-open`): the first, a facilitator, creates it; the others are contributors.
 * Sockets opened before a failure are in `into`, for the caller to close.
 */
export async function laptopsInNewRoom(url: string, roomId: string, count: number, into: TestSocket[]): Promise<TestSocket[]> {
	const creator = await connectClient(url, await sessionToken(url, roomId, 'facilitator', 'Bench laptop'));
	into.push(creator);
	await createRoom(creator, roomId);
	for (const token of await mintTokens(url, roomId, 'contributor', count - 1)) {
		const socket = await connectClient(url, token);
		into.push(socket);
		const joined = await join(socket, roomId);
		if (!joined.ok) throw new Error(joined.message);
	}
	return into;
}
