/** Commands for a team still waiting in the outbox (sent while offline, or not yet acknowledged). */
import type { OutboxEntry } from '$lib/client/room-store.svelte';
import type { CommandOf, CommandType } from '$lib/domain';

/** The outbox entries of one command type, for one team, oldest first. */
export function pendingFor<T extends 'team.post' | 'team.setStatus'>(
	outbox: readonly OutboxEntry[],
	type: T,
	teamId: string
): Array<{ commandId: string; command: CommandOf<T> }> {
	const out: Array<{ commandId: string; command: CommandOf<T> }> = [];
	for (const entry of outbox) {
		const command = entry.command;
		if (command.type === (type as CommandType) && 'teamId' in command && command.teamId === teamId) {
			out.push({ commandId: entry.commandId, command: command as CommandOf<T> });
		}
	}
	return out;
}

/** Touchpoint moves still waiting in the outbox, by touchpoint id. */
export function pendingAssessments(outbox: readonly OutboxEntry[]): Map<string, CommandOf<'touchpoint.assess'>> {
	const out = new Map<string, CommandOf<'touchpoint.assess'>>();
	for (const entry of outbox) if (entry.command.type === 'touchpoint.assess') out.set(entry.command.touchpointId, entry.command);
	return out;
}
