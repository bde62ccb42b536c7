/**
 * Check-ins and dot votes in a session (issue 20, "Taking part from one's own device"). Pure: the rules
 * `decide` applies to `session.checkIn` and `vote.*`, and the tally a reveal records.
 *
 * Who takes part: people in their own name, of any role (leadership attendees are often viewers), never a
 * paired screen, a guest link or an API key. The gateway says which senders are people
 * (`DecideContext.actor.person`); `roles.ts` lets every role send these commands.
 */
import { LIMITS, own } from './basics';
import type { CommandOf } from './commands';
import type { DomainEvent } from './events';
import type { RoomState, Session, Vote, VoteItem, VoteItemKind, VoteTally } from './model';

/** Who sends a personal command, as `decide` is told. */
export interface Participant {
	id: string;
	name: string;
	/** A person in their own name (not a screen, a guest link or an API key). */
	person?: boolean;
}

type VoteResult =
	| { ok: true; events: DomainEvent[] }
	| { ok: false; code: 'not_found' | 'conflict' | 'rule_violation' | 'forbidden'; message: string };

const refuse = (code: Extract<VoteResult, { ok: false }>['code'], message: string): VoteResult => ({ ok: false, code, message });

/** What a screen or a guest is told when it tries to check in or vote. */
export const NOT_A_PERSON = 'Only people taking part in their own name can check in and vote; screens and guest links cannot.';

const running = (s: RoomState): Session | null => (s.session && !s.session.endedAt ? s.session : null);

/** The vote of the session still taking ballots, if any. */
export function openVote(session: Session | null): Vote | null {
	return session?.votes.find((v) => v.revealedAt === null && !session.endedAt) ?? null;
}

/** Whether a person has checked in to the session. */
export const checkedIn = (session: Session | null, personId: string): boolean =>
	session?.checkIns.some((c) => c.personId === personId) ?? false;

/** `session.checkIn`: a person joins the running session's attendance. */
export function decideCheckIn(s: RoomState, who: Participant, now: string): VoteResult {
	if (!who.person) return refuse('forbidden', NOT_A_PERSON);
	const session = running(s);
	if (!session) return refuse('conflict', 'No session is running, so there is nothing to check in to.');
	if (checkedIn(session, who.id)) return refuse('conflict', 'You are already checked in.');
	if (session.checkIns.length >= LIMITS.attendees) {
		return refuse('rule_violation', `A session takes at most ${LIMITS.attendees} check-ins.`);
	}
	return { ok: true, events: [{ type: 'session.checkedIn', checkIn: { personId: who.id, name: who.name, at: now } }] };
}

/** An item's name and stage in the room, or undefined when the room has no such item. */
function itemOf(s: RoomState, kind: VoteItemKind, id: string): { label: string; stageId: string } | undefined {
	switch (kind) {
		case 'touchpoint': {
			const x = own(s.touchpoints, id);
			return x && { label: x.name, stageId: x.stageId };
		}
		case 'complaint': {
			const x = own(s.complaints, id);
			return x && { label: x.name, stageId: x.stageId };
		}
		case 'kpi': {
			const x = own(s.kpis, id);
			return x && { label: x.name, stageId: x.stageId };
		}
		case 'survey': {
			const x = own(s.surveys, id);
			return x && { label: x.question, stageId: x.stageId };
		}
	}
}

/** `vote.open`: the facilitator puts items to a vote. */
export function decideOpen(s: RoomState, c: CommandOf<'vote.open'>, now: string): VoteResult {
	const session = running(s);
	if (!session) return refuse('conflict', 'No session is running.');
	if (openVote(session)) return refuse('conflict', 'A vote is already open. Reveal it before opening the next one.');
	if (session.votes.some((v) => v.id === c.voteId)) return refuse('conflict', 'That vote was already opened.');
	if (session.votes.length >= LIMITS.votes) return refuse('rule_violation', `A session takes at most ${LIMITS.votes} votes.`);
	if (c.stageId !== null && !own(s.stages, c.stageId)) return refuse('not_found', 'No such stage.');
	const items: VoteItem[] = [];
	for (const { kind, id } of c.items) {
		const found = itemOf(s, kind, id);
		if (!found) return refuse('not_found', `The ${kind} ${id} is not in this room.`);
		if (c.stageId !== null && found.stageId !== c.stageId) {
			return refuse('rule_violation', `“${found.label}” is under another stage than the one being voted on.`);
		}
		if (items.some((i) => i.kind === kind && i.id === id)) return refuse('rule_violation', `“${found.label}” is listed twice.`);
		items.push({ kind, id, stageId: found.stageId, label: found.label });
	}
	const vote: Vote = {
		id: c.voteId,
		stageId: c.stageId,
		items,
		votesEach: c.votesEach,
		severalOnOne: c.severalOnOne,
		openedAt: now,
		voters: [],
		ballots: {},
		revealedAt: null,
		results: null
	};
	return { ok: true, events: [{ type: 'vote.opened', vote }] };
}

/** `vote.cast`: a person's ballot, replacing any earlier one of theirs. */
export function decideCast(s: RoomState, c: CommandOf<'vote.cast'>, who: Participant, now: string): VoteResult {
	if (!who.person) return refuse('forbidden', NOT_A_PERSON);
	const session = running(s);
	const vote = session?.votes.find((v) => v.id === c.voteId);
	if (!session || !vote) return refuse('not_found', 'That vote is not in the running session.');
	if (vote.revealedAt !== null) return refuse('conflict', 'This vote has been revealed; it takes no more ballots.');
	if (c.counts.length !== vote.items.length) {
		return refuse('rule_violation', `This vote has ${vote.items.length} items; the ballot has ${c.counts.length}.`);
	}
	const used = c.counts.reduce((sum, n) => sum + n, 0);
	if (used === 0) return refuse('rule_violation', 'Put at least one vote on an item.');
	if (used > vote.votesEach)
		return refuse('rule_violation', `Each person has ${vote.votesEach} votes; this ballot uses ${used}.`);
	if (!vote.severalOnOne && c.counts.some((n) => n > 1)) {
		return refuse('rule_violation', 'In this vote one item takes at most one of your votes.');
	}
	// Voting is taking part: a person who votes without having checked in is checked in by it.
	const checkIn = checkedIn(session, who.id) ? null : decideCheckIn(s, who, now);
	if (checkIn && !checkIn.ok) return checkIn;
	return {
		ok: true,
		events: [
			...(checkIn?.events ?? []),
			{ type: 'vote.cast', voteId: vote.id, voterId: who.id, ballot: { name: who.name, counts: c.counts } }
		]
	};
}

/** `vote.reveal`: the tally goes to every screen. */
export function decideReveal(s: RoomState, c: CommandOf<'vote.reveal'>, now: string): VoteResult {
	const vote = running(s)?.votes.find((v) => v.id === c.voteId);
	if (!vote) return refuse('not_found', 'That vote is not in the running session.');
	if (vote.revealedAt !== null) return refuse('conflict', 'This vote is already revealed.');
	const named = s.meta?.settings.namedVotes === true;
	return { ok: true, events: [{ type: 'vote.revealed', voteId: vote.id, at: now, results: tally(vote, named) }] };
}

/** `vote.cancel`: an open vote is taken back, its ballots discarded without being counted. */
export function decideCancel(s: RoomState, c: CommandOf<'vote.cancel'>, now: string): VoteResult {
	const vote = running(s)?.votes.find((v) => v.id === c.voteId);
	if (!vote) return refuse('not_found', 'That vote is not in the running session.');
	if (vote.revealedAt !== null) return refuse('conflict', 'This vote has been revealed, so it can no longer be cancelled.');
	return { ok: true, events: [{ type: 'vote.cancelled', voteId: vote.id, at: now }] };
}

/**
 * A vote's results: every item with its votes and how many people gave it some, most votes first (ties:
 * more people, then the order the vote listed them in). With `named`, who gave each item how many.
 */
export function tally(vote: Vote, named: boolean): VoteTally[] {
	const ballots = Object.values(vote.ballots);
	const rows = vote.items.map((item, index) => {
		const given = ballots.filter((b) => (b.counts[index] ?? 0) > 0);
		const row: VoteTally = {
			kind: item.kind,
			id: item.id,
			votes: given.reduce((sum, b) => sum + (b.counts[index] ?? 0), 0),
			voters: given.length
		};
		if (named) row.names = given.map((b) => ({ name: b.name, votes: b.counts[index] ?? 0 }));
		return { row, index };
	});
	rows.sort((a, b) => b.row.votes - a.row.votes || b.row.voters - a.row.voters || a.index - b.index);
	return rows.map((r) => r.row);
}

/** A revealed vote's items in result order, each with its tally (for walls, the desk and the minutes). */
export function rankedResults(vote: Vote): Array<{ item: VoteItem; tally: VoteTally; rank: number }> {
	if (!vote.results) return [];
	const out: Array<{ item: VoteItem; tally: VoteTally; rank: number }> = [];
	for (const t of vote.results) {
		const item = vote.items.find((i) => i.kind === t.kind && i.id === t.id);
		if (!item) continue;
		const previous = out[out.length - 1];
		// Equal votes share a rank ("2., 2., 4.").
		const rank = previous && previous.tally.votes === t.votes ? previous.rank : out.length + 1;
		out.push({ item, tally: t, rank });
	}
	return out;
}
