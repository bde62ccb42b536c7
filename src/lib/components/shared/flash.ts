/**
 * "Motion is for change": a brief glow on the items the last batch of events touched.
 * The board provides the set of changed ids through context; items attach `flash` to their root.
 * Under prefers-reduced-motion the CSS drops the animation (see app.css).
 */
import { createContext } from 'svelte';
import type { Attachment } from 'svelte/attachments';

const [getChangedIds, setChangedIdsContext] = createContext<() => ReadonlySet<string>>();

/** Provides the ids changed by the latest update (a getter, so it stays reactive). */
export const setChangedIds = setChangedIdsContext;

/** The getter set by the board. */
export const useChangedIds = getChangedIds;

/**
 * Glows the element each time a new batch of changes includes `id`. Restarts the animation when
 * the same item changes again before the last glow ended.
 */
export function flash(changed: () => ReadonlySet<string>, id: string): Attachment<HTMLElement> {
	return (node) => {
		if (!changed().has(id)) return;
		// A glow still running starts over from its first frame; restarting it by taking the class off and
		// on would need a forced layout of the whole page in the middle of the update (costly on a TV).
		if (node.classList.contains('flash'))
			for (const animation of node.getAnimations()) {
				animation.cancel();
				animation.play();
			}
		else node.classList.add('flash');
		const done = () => node.classList.remove('flash');
		node.addEventListener('animationend', done, { once: true });
		return () => node.removeEventListener('animationend', done);
	};
}
