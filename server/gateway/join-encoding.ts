/**
 * A join answer in snapshot mode carries the whole room state (over 100 KB for a large room). socket.io
 * encodes every acknowledgement on its own: it walks the answer for binary data, JSON.stringify's it, then
 * engine.io and ws turn that string into bytes, so a thousand walls joining at once (a deploy, a power cut
 * in the building) cost a thousand walks, stringifications and 100 KB byte conversions of the same state.
 *
 * Room states are immutable (evolve returns a new object for every change), so the state's bytes are made
 * once per state object and shared: each wall's acknowledgement goes out as a websocket frame of a small
 * per-wall head (frame header, packet type, ack id, the answer's other fields) and the shared state bytes,
 * through the pre-encoded frame path socket.io uses for its own broadcasts. The bytes on the wire are
 * those socket.io would have sent; the client decodes them as before.
 */
import type { Socket } from 'socket.io';
import type { RoomState } from '../../src/lib/domain';

/** socket.io-parser's packet type of an acknowledgement; "4" is engine.io's message packet. */
const ACK = 3;
const ENGINE_MESSAGE = '4';

interface Packet {
	type: number;
	nsp: string;
	id?: number;
	data?: unknown;
}

interface WriteOptions {
	preEncoded?: boolean;
	wsPreEncodedFrame?: Buffer[];
	[key: string]: unknown;
}

/** socket.io's per-connection client; `_packet(packet, opts)` encodes and writes one packet. */
interface EngineClient {
	_packet(packet: Packet | unknown[], opts?: WriteOptions): void;
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
/** Per state: its JSON, and the bytes that end every answer carrying it (`<state>}]`). */
const encodedStates = new WeakMap<RoomState, { json: string; tail: Buffer }>();
const patched = new WeakSet<object>();

/** Marks a snapshot join answer so it goes out with the shared encoding of its state; returns it. */
export function encodedOnce<T extends SnapshotAnswer>(answer: T): T {
	answers.add(answer);
	return answer;
}

function encodedState(state: RoomState): { json: string; tail: Buffer } {
	let encoded = encodedStates.get(state);
	if (!encoded) {
		const json = JSON.stringify(state);
		encoded = { json, tail: Buffer.from(`${json}}]`) };
		encodedStates.set(state, encoded);
	}
	return encoded;
}

/** The header of an unmasked, final text frame carrying `length` bytes (RFC 6455, section 5.2). */
function frameHeader(length: number): Buffer {
	if (length < 126) return Buffer.from([0x81, length]);
	if (length < 65_536) {
		const header = Buffer.alloc(4);
		header[0] = 0x81;
		header[1] = 126;
		header.writeUInt16BE(length, 2);
		return header;
	}
	const header = Buffer.alloc(10);
	header[0] = 0x81;
	header[1] = 127;
	header.writeBigUInt64BE(BigInt(length), 2);
	return header;
}

/**
 * Sends this connection's marked join answers through the shared encoding (call once per connection);
 * every other packet goes through socket.io's own encoding unchanged.
 */
export function encodeJoinAnswersOnce(socket: Socket): void {
	const client = socket.client as unknown as EngineClient;
	if (patched.has(client)) return;
	patched.add(client);
	const write = client._packet.bind(client);
	client._packet = (packet, opts = {}) => {
		if (
			Array.isArray(packet) ||
			packet.type !== ACK ||
			!Array.isArray(packet.data) ||
			packet.data.length !== 1 ||
			!answers.has(packet.data[0] as object)
		) {
			return write(packet, opts);
		}
		const { state, ...rest } = packet.data[0] as SnapshotAnswer;
		const { json, tail } = encodedState(state);
		const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
		// `3<id>[{...rest,"state":` + `<state>}]`: what socket.io's encoder makes of the same answer.
		const head = `${ACK}${nsp}${packet.id ?? ''}[${JSON.stringify(rest).slice(0, -1)},"state":`;
		const headBytes = Buffer.from(ENGINE_MESSAGE + head);
		const frame = [Buffer.concat([frameHeader(headBytes.length + tail.length), headBytes]), tail];
		// The text goes out only on a transport other than websocket (long polling).
		write([head + json + '}]'], { ...opts, preEncoded: true, wsPreEncodedFrame: frame });
	};
}
