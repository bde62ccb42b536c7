/**
 * Whether "(guest)" must follow a name shown as "You: <name>": for a guest (`me.guest`) whose name does
 * not say it already (the server names guests "<name> (guest)" on their changes).
 */
export function needsGuestMark(name: string, guest: boolean | undefined): boolean {
	return guest === true && !name.trimEnd().endsWith('(guest)');
}
