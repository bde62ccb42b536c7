/**
 * A join answer in snapshot mode carries the whole room state (over 100 KB for a large room). socket.io
 * encodes every acknowledgement on its own: it walks the answer looking for binary data, then
 * JSON.stringify's it, so a thousand walls joining at once (a deploy, a power cut in the building) cost a
 * thousand walks and a thousand stringifications of the same state. Room states are immutable (evolve
 * returns a new object for every change), so the state's JSON is made once per state object and reused; the
 * packet that goes out is the very string socket.io's encoder would have made, and the client decodes it
 * as before.
 */
import type { RoomState } from '../../src/lib/domain';
import type { AppServer } from './channels';

/** socket.io-parser's packet type of an acknowledgement. */
const ACK = 3;

interface Packet {
	type: number;
	nsp: string;
	id?: number;
	data?: unknown;
}

interface SnapshotAnswer {
	ok: true;
	mode: 'snapshot';
	roomId: string;
	epoch: string;
	role: string;
	state: RoomState;
}

const answers = new WeakSet<object>();
const stateJson = new WeakMap<RoomState, string>();

/** Marks a snapshot join answer so its encoding reuses the state's JSON; returns it. */
export function encodedOnce<T extends SnapshotAnswer>(answer: T): T {
	answers.add(answer);
	return answer;
}

function json(answer: SnapshotAnswer): string {
	let state = stateJson.get(answer.state);
	if (state === undefined) {
		state = JSON.stringify(answer.state);
		stateJson.set(answer.state, state);
	}
	const { state: _state, ...rest } = answer;
	const head = JSON.stringify(rest);
	return `${head.slice(0, -1)},"state":${state}}`;
}

/**
 * Makes the server's encoder (one instance, shared by every connection) encode marked join answers from
 * the cached state JSON; every other packet goes through socket.io's own encoding unchanged.
 */
export function encodeJoinAnswersOnce(io: AppServer): void {
	const encoder = io.encoder as unknown as { encode(packet: Packet): Array<string | Buffer> };
	const encode = encoder.encode.bind(encoder);
	encoder.encode = (packet: Packet) => {
		const data = packet.data;
		if (packet.type === ACK && Array.isArray(data) && data.length === 1 && answers.has(data[0] as object)) {
			const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
			return [`${ACK}${nsp}${packet.id ?? ''}[${json(data[0] as SnapshotAnswer)}]`];
		}
		return encode(packet);
	};
}
