/**
 * Which layout the facilitator's desk uses on this device: `laptop` (the default: panels side by side,
 * laptop-sized type) or `presenter` (for the room's big screen: large type, the current stage, the
 * timer and the call player in view). A link's `layout=presenter|laptop` chooses it and is remembered on
 * the device, so the room's big screen opens in presenter layout every time.
 */

import { layoutFromLink, layoutHref, type DeskLayoutMode } from './desk-layout-link';

const KEY = 'customer-room:desk-layout';

export class DeskLayout {
	mode = $state<DeskLayoutMode>('laptop');

	/** Starts from the link's choice, else the one remembered on this device, else laptop. */
	constructor(params: URLSearchParams) {
		const linked = layoutFromLink(params);
		if (linked) remember(linked);
		this.mode = linked ?? recalled();
	}

	get presenter(): boolean {
		return this.mode === 'presenter';
	}

	/** Switches layout, remembers it on this device, and returns the address that opens it. */
	switchTo(mode: DeskLayoutMode, url: URL): string {
		this.mode = mode;
		remember(mode);
		return layoutHref(url, mode);
	}
}

function recalled(): DeskLayoutMode {
	try {
		return localStorage.getItem(KEY) === 'presenter' ? 'presenter' : 'laptop';
	} catch {
		return 'laptop';
	}
}

function remember(mode: DeskLayoutMode): void {
	try {
		localStorage.setItem(KEY, mode);
	} catch {
		// Without storage the choice lasts for this visit; the link still opens it.
	}
}
