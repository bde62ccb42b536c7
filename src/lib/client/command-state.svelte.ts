/**
 * One form's conversation with the server: sending (pending until the room acknowledges, which waits
 * for a reconnect when offline) and the error to show next to the form.
 */
import type { RoomStore } from './room-store.svelte';
import type { Command } from '$lib/domain';
import { commandErrorText } from './command-error';

export class CommandState {
	sending = $state(false);
	error = $state<string | null>(null);
	readonly #store: RoomStore;

	constructor(store: RoomStore) {
		this.#store = store;
	}

	/** Whether the room is connected: when not, a send waits in the outbox until it is. */
	get waiting(): boolean {
		return this.sending && this.#store.connection !== 'live';
	}

	/** Sends one command; true when the room accepted it, else `error` says why. */
	async run(command: Command): Promise<boolean> {
		this.sending = true;
		this.error = null;
		const result = await this.#store.send(command);
		this.sending = false;
		if (!result.ok) this.error = commandErrorText(result.message, result.issues);
		return result.ok;
	}

	/** Shows an error found before sending (a field out of range). */
	fail(message: string): void {
		this.error = message;
	}

	clear(): void {
		this.error = null;
	}
}
