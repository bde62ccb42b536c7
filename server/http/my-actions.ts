/**
 * `GET /api/account/actions`: "My actions". Reads each room the session holds a grant for (never more:
 * a room the person left drops out at once) and keeps the actions whose owner is this person, matched by
 * the id their changes carry (the account's id; a session without an account matches nothing of anyone
 * else's).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { own, type RoomState } from '../../src/lib/domain';
import { mayMarkDone, sortedActions } from '../../src/lib/domain/actions';
import type { MyAction, MyActionsAnswer } from '../../src/lib/protocol/my-actions';
import type { AccessService, Session } from '../access/access-service';
import type { RoomEngine } from '../engine/room-engine';
import { sendJson } from './json';
import { sessionTokenOf } from './session';

export const MY_ACTIONS_PATH = '/api/account/actions';

/** Where an action came from, in words, from the room's state. */
function originOf(state: RoomState, action: MyAction['action']): string {
	const source = action.source;
	if (source.kind === 'decision') {
		const session = [state.session, ...state.pastSessions].find((s) => s?.id === source.sessionId);
		const decision = session?.decisions.find((d) => d.id === source.decisionId);
		return decision ? `Decision: ${decision.text}` : 'A decision since removed';
	}
	const team = own(state.teams, source.teamId);
	const update = team?.updates.find((u) => u.id === source.updateId);
	return update ? `Recommendation of ${team!.name}: ${update.text}` : `A recommendation of ${team?.name ?? 'a team'}`;
}

/** The actions `session`'s person owns in the rooms it can see, sorted as the page lists them. */
export async function myActions(engine: RoomEngine, session: Session): Promise<MyActionsAnswer> {
	const ownerId = session.accountId ?? session.id;
	const found: MyAction[] = [];
	for (const [roomId, grant] of Object.entries(session.grants)) {
		const state = await engine.state(roomId);
		if (!state?.meta || state.meta.archivedAt) continue;
		for (const action of Object.values(state.actions)) {
			if (action.owner.id !== ownerId) continue;
			found.push({
				roomId,
				roomName: state.meta.name,
				role: grant.role,
				action,
				teamName: action.teamId ? (own(state.teams, action.teamId)?.name ?? null) : null,
				origin: originOf(state, action),
				mayMarkDone: mayMarkDone(grant.role, ownerId, action)
			});
		}
	}
	const order = new Map(sortedActions(found.map((f) => f.action)).map((a, i) => [a, i]));
	return { actions: found.sort((a, b) => order.get(a.action)! - order.get(b.action)!) };
}

/** Answers `GET /api/account/actions`: 401 without a session, 403 for a screen, else the person's actions. */
export async function handleMyActions(
	req: IncomingMessage,
	res: ServerResponse,
	deps: { engine: RoomEngine; access: AccessService }
): Promise<void> {
	if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed', message: 'Use GET here.' });
	const session = await deps.access.session(sessionTokenOf(req));
	if (!session) return sendJson(res, 401, { error: 'unauthenticated', message: 'Sign in to see your actions.' });
	if (session.kind === 'screen')
		return sendJson(res, 403, { error: 'forbidden', message: 'A paired screen has no actions of its own.' });
	sendJson(res, 200, await myActions(deps.engine, session));
}
