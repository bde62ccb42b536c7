/**
 * Screen management over the socket (src/lib/protocol/screens.ts): a paired TV's health reports, a
 * facilitator's view of every screen's health, and a facilitator's action sent to one screen. Health
 * goes to the display status store, never the event log; an action goes to the screen's own channel
 * (on every instance, through the adapter), not the room's, because it concerns that screen alone.
 */
import {
	DisplayActRequest,
	DisplayHealthReport,
	ScreensStatusRequest,
	invalidPayload,
	type DisplayActResult,
	type ErrorResult,
	type ScreensStatusResult
} from '../../src/lib/protocol';
import { own } from '../../src/lib/domain';
import type { DisplayStatus } from '../displays/display-status';
import type { RoomEngine } from '../engine/room-engine';
import type { Logger } from '../log';
import { displayChannel, roomChannel, type AppServer, type AppSocket } from './channels';

const onlyFacilitators = (roomId: string, joined: boolean): ErrorResult =>
	joined
		? { ok: false, code: 'forbidden', message: 'Only facilitators manage the screens of this room.' }
		: {
				ok: false,
				code: 'unauthenticated',
				message: `You have no access to room "${roomId}". Open the invite link you were given, or ask the facilitator for one.`
			};

/** At most this many health reports per connection are taken in any HEALTH_WINDOW_MS. */
const HEALTH_REPORTS_PER_WINDOW = 6;
const HEALTH_WINDOW_MS = 30_000;

export interface ScreenHandlersDeps {
	io: AppServer;
	engine: RoomEngine;
	status: DisplayStatus;
	log: Logger;
}

export function screenHandlers({ io, engine, status, log }: ScreenHandlersDeps) {
	const warn = (roomId: string, what: string) => (error: unknown) => log.warn({ roomId, err: String(error) }, what);

	/** Why a socket may not manage a room's screens, or null when it may (a facilitator who joined it). */
	function refusal(socket: AppSocket, roomId: string): ErrorResult | null {
		const role = Object.hasOwn(socket.data.grants, roomId) ? socket.data.grants[roomId]! : null;
		if (role === 'facilitator' && socket.rooms.has(roomChannel(roomId))) return null;
		return onlyFacilitators(roomId, role !== null);
	}

	return {
		/** A connection joined a room: a paired screen's connection counts as the screen coming online. */
		joined(socket: AppSocket, roomId: string): void {
			const displayId = own(socket.data.displays, roomId);
			if (displayId !== undefined) status.connected(roomId, displayId).catch(warn(roomId, 'screen status not saved'));
		},

		/** Registers the screen messages on one connection. */
		attach(socket: AppSocket): void {
			socket.on('disconnect', () => {
				for (const roomId of Object.keys(socket.data.audiences)) {
					const displayId = own(socket.data.displays, roomId);
					if (displayId !== undefined) status.disconnected(roomId, displayId).catch(warn(roomId, 'screen status not saved'));
				}
			});

			// Fire and forget: a report that does not parse, or comes from anything but a joined screen, is dropped;
			// so are reports beyond a few in half a minute (a TV sends one every 30 s and after joins and renders),
			// so a misbehaving screen cannot turn its socket into a stream of writes.
			const recent: number[] = [];
			socket.on('display:health', (raw: unknown) => {
				const now = Date.now();
				while (recent.length && recent[0]! <= now - HEALTH_WINDOW_MS) recent.shift();
				if (recent.length >= HEALTH_REPORTS_PER_WINDOW) return;
				recent.push(now);
				const parsed = DisplayHealthReport.safeParse(raw);
				if (!parsed.success) return;
				const { roomId, ...report } = parsed.data;
				const displayId = own(socket.data.displays, roomId);
				if (displayId === undefined || !own(socket.data.audiences, roomId)) return;
				status.reported(roomId, displayId, report).catch(warn(roomId, 'screen status not saved'));
			});

			socket.on('screens:status', (raw: unknown, ack: unknown) => {
				if (typeof ack !== 'function') return;
				const answer = ack as (result: ScreensStatusResult) => void;
				const parsed = ScreensStatusRequest.safeParse(raw);
				if (!parsed.success) return answer(invalidPayload(parsed.error));
				const { roomId } = parsed.data;
				const refused = refusal(socket, roomId);
				if (refused) return answer(refused);
				status
					.list(roomId)
					.then((screens) => answer({ ok: true, serverTime: Date.now(), screens }))
					.catch((error: unknown) => {
						warn(roomId, 'screen status not read')(error);
						answer({
							ok: false,
							code: 'unavailable',
							message: 'The screens’ health could not be read just now. It is tried again in a few seconds.'
						});
					});
			});

			socket.on('display:act', (raw: unknown, ack: unknown) => {
				if (typeof ack !== 'function') return;
				const answer = ack as (result: DisplayActResult) => void;
				const parsed = DisplayActRequest.safeParse(raw);
				if (!parsed.success) return answer(invalidPayload(parsed.error));
				const { roomId, displayId, action } = parsed.data;
				const refused = refusal(socket, roomId);
				if (refused) return answer(refused);
				engine
					.state(roomId)
					.then(async (state) => {
						if (!state || !own(state.displays, displayId)) {
							return answer({ ok: false, code: 'not_found', message: 'That screen is no longer paired with this room.' });
						}
						const channel = displayChannel(roomId, displayId);
						const delivered = (await io.in(channel).fetchSockets()).length;
						io.to(channel).emit('display:action', { roomId, action });
						answer({ ok: true, delivered });
					})
					.catch((error: unknown) => {
						warn(roomId, 'screen action failed')(error);
						answer({ ok: false, code: 'internal', message: 'The screen could not be reached just now. Try again.' });
					});
			});
		}
	};
}
