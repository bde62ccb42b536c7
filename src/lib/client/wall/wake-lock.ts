/**
 * Keeps a TV's screen from sleeping where the browser offers the Screen Wake Lock API. Older TV engines
 * do not: there the function does nothing (set the TV's own sleep timer off instead, see docs/wall.md).
 * The browser drops the lock whenever the page is hidden, so it is asked for again on return.
 */
interface WakeLockSentinelLike {
	release(): Promise<void>;
}
interface WakeLockLike {
	request(type: 'screen'): Promise<WakeLockSentinelLike>;
}

/** Asks for a screen wake lock now and after every return to the page; returns the release function. */
export function keepScreenAwake(): () => void {
	const wakeLock = (navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock;
	if (!wakeLock || typeof wakeLock.request !== 'function') return () => {};
	let sentinel: WakeLockSentinelLike | null = null;
	let stopped = false;
	const request = () => {
		if (stopped || document.visibilityState !== 'visible') return;
		wakeLock.request('screen').then(
			(s) => {
				if (stopped) void s.release().catch(() => {});
				else sentinel = s;
			},
			// Refused (no user gesture yet, battery saver, permissions policy): the TV's settings decide.
			() => {}
		);
	};
	document.addEventListener('visibilitychange', request);
	request();
	return () => {
		stopped = true;
		document.removeEventListener('visibilitychange', request);
		void sentinel?.release().catch(() => {});
		sentinel = null;
	};
}
