/** The desk's layout in its address: `?layout=presenter` or `?layout=laptop` (see desk-layout.svelte.ts). */

export type DeskLayoutMode = 'laptop' | 'presenter';

/** The layout a link asks for, if any. */
export function layoutFromLink(params: URLSearchParams): DeskLayoutMode | null {
	const asked = params.get('layout');
	return asked === 'presenter' || asked === 'laptop' ? asked : null;
}

/** The address of this page in `mode`, its other parameters kept. */
export function layoutHref(url: URL, mode: DeskLayoutMode): string {
	const next = new URL(url);
	next.searchParams.set('layout', mode);
	return `${next.pathname}${next.search}${next.hash}`;
}
