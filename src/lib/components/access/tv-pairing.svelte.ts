/**
 * The TV side of pairing, hands-free: show a code, ask the server every 2 s whether a facilitator has
 * entered it, open the wall once they have, and start over with a new code when it expires. Only the
 * server decides expiry (TV clocks are often wrong); the countdown is measured against its clock.
 */
import { fetchMe, fetchPairingStatus, startPairing, wallPath, type Pairing } from '$lib/client/access';

const POLL_MS = 2_000;
const RETRY_MS = 5_000;
const RATE_LIMITED_RETRY_MS = 30_000;

export type TvPhase =
	/** Asking the server whether this screen is paired already. */
	| 'checking'
	/** A person's session is on this browser: pairing would sign it out, so ask first. */
	| 'confirm'
	/** Showing a code. */
	| 'showing'
	/** Paired: the wall is opening. */
	| 'paired'
	/** No code could be had; retrying by itself. */
	| 'trouble';

export class TvPairing {
	phase = $state<TvPhase>('checking');
	pairing = $state.raw<Pairing | null>(null);
	/** When the code expires, on this screen's clock. */
	deadline = $state(0);
	now = $state(Date.now());
	/** What went wrong last, shown small while retrying. */
	trouble = $state<string | null>(null);
	/** The person signed in on this browser, when there is one. */
	signedInAs = $state<string | null>(null);

	#timer: ReturnType<typeof setTimeout> | undefined;
	#stopped = false;
	readonly #open: (path: string) => void;

	constructor(open: (path: string) => void = (path) => location.replace(path)) {
		this.#open = open;
	}

	get msLeft(): number {
		return Math.max(0, this.deadline - this.now);
	}

	/** Starts checking, showing and polling; returns the function that stops it all. */
	start(): () => void {
		this.#stopped = false;
		const ticking = setInterval(() => (this.now = Date.now()), 1_000);
		void this.#check();
		return () => {
			this.#stopped = true;
			clearInterval(ticking);
			clearTimeout(this.#timer);
		};
	}

	/** Shows a new code (after the person on this browser agreed, or when the last one expired). */
	async showCode(): Promise<void> {
		clearTimeout(this.#timer);
		const result = await startPairing();
		if (this.#stopped) return;
		if (!result.ok) {
			this.trouble = result.message;
			if (!this.pairing) this.phase = 'trouble';
			this.#later(() => this.showCode(), result.status === 429 ? RATE_LIMITED_RETRY_MS : RETRY_MS);
			return;
		}
		const { msLeft, ...pairing } = result;
		this.pairing = { code: pairing.code, expiresAt: pairing.expiresAt, qr: pairing.qr, pairUrl: pairing.pairUrl };
		this.now = Date.now();
		this.deadline = this.now + msLeft;
		this.trouble = null;
		this.phase = 'showing';
		this.#later(() => this.#poll(), POLL_MS);
	}

	async #check(): Promise<void> {
		const status = await fetchPairingStatus();
		if (this.#stopped) return;
		if (status.ok && status.state === 'paired') return this.#paired(status.roomId, status.displayId);
		const me = await fetchMe();
		if (this.#stopped) return;
		if (me.ok && me.signedIn && me.kind === 'person') {
			this.signedInAs = me.name;
			this.phase = 'confirm';
			return;
		}
		await this.showCode();
	}

	async #poll(): Promise<void> {
		const status = await fetchPairingStatus();
		if (this.#stopped) return;
		if (!status.ok) {
			// Keep the code on screen: it still works once the server answers again.
			this.trouble = status.message;
			return this.#later(() => this.#poll(), RETRY_MS);
		}
		this.trouble = null;
		if (status.state === 'paired') return this.#paired(status.roomId, status.displayId);
		if (status.state === 'expired') return this.showCode();
		this.#later(() => this.#poll(), POLL_MS);
	}

	#paired(roomId: string, displayId: string): void {
		this.phase = 'paired';
		this.#open(wallPath(roomId, displayId));
	}

	#later(run: () => Promise<void>, ms: number): void {
		clearTimeout(this.#timer);
		if (!this.#stopped) this.#timer = setTimeout(() => void run(), ms);
	}
}
