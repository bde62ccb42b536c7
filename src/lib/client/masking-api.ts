/** What masking a room now would change (GET /api/rooms/:id/redaction), as an answer to show. */
import type { RedactionPreview } from '$lib/protocol/curate';

export async function redactionPreview(
	roomId: string
): Promise<{ ok: true; value: RedactionPreview } | { ok: false; message: string }> {
	try {
		const res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/redaction`, { cache: 'no-store' });
		const body = (await res.json().catch(() => ({}))) as Partial<RedactionPreview> & { message?: string };
		if (res.ok) return { ok: true, value: body as RedactionPreview };
		return { ok: false, message: body.message ?? `The server answered ${res.status}.` };
	} catch {
		return { ok: false, message: 'The server could not be reached. Check the connection and try again.' };
	}
}
