/**
 * The one rule for the HTTP endpoints that manage a room's people and integrations (members, groups,
 * API keys): the caller is signed in, is a facilitator of the room or an instance admin, and the room
 * exists. Otherwise the answer says which of these failed (401, 403, 404) and nothing else happens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInstanceAdmin, type AccessService, type Session } from '../access/access-service';
import type { RoomEngine } from '../engine/room-engine';
import { sendJson } from './json';
import { sessionTokenOf } from './session';

/**
 * Makes the check for one kind of thing managed; `what` ends the refusal: "Only the room's facilitators
 * manage its people."
 */
export function facilitatorGuard(access: AccessService, engine: RoomEngine, what: string) {
	return async function facilitatorOf(req: IncomingMessage, res: ServerResponse, roomId: string): Promise<Session | null> {
		const session = await access.session(sessionTokenOf(req));
		if (!session) {
			sendJson(res, 401, { error: 'unauthenticated', message: 'Sign in first.' });
			return null;
		}
		if (access.roleIn(session, roomId) !== 'facilitator' && !isInstanceAdmin(session)) {
			sendJson(res, 403, { error: 'forbidden', message: `Only the room's facilitators manage ${what}.` });
			return null;
		}
		if (!(await engine.state(roomId))?.meta) {
			sendJson(res, 404, { error: 'not_found', message: `There is no room "${roomId}".` });
			return null;
		}
		return session;
	};
}
