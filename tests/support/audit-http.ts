/**
 * HTTP steps the audit tests share: a session from the admin API, an instance admin from a setup link,
 * a rename, a take-over, and reading an audit endpoint (JSON or CSV).
 */
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { AuditPage } from '../../src/lib/protocol/audit';
import { TEST_ADMIN_TOKEN } from './server-process';
import { adminAccount } from './people';

const cookie = (token: string | null): Record<string, string> => (token ? { cookie: `cr_session=${token}` } : {});

/** A new instance admin's session token (a setup link made and redeemed over HTTP). */
export async function instanceAdmin(base: string): Promise<string> {
	const made = await fetch(`${base}/api/admin/setup-link`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
	});
	const token = ((await made.json()) as { link: string }).link.split('#')[1]!;
	const claimed = await fetch(`${base}/api/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ token, account: adminAccount('Administrator') })
	});
	if (claimed.status !== 200) throw new Error(`setup: ${claimed.status}`);
	return /cr_session=([^;]+)/.exec(claimed.headers.get('set-cookie') ?? '')![1]!;
}

/** Creates a room through the admin API. */
export async function createRoom(base: string, roomId: string, name: string): Promise<void> {
	const res = await fetch(`${base}/api/admin/rooms`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ roomId, name })
	});
	if (!res.ok) throw new Error(`create room: ${res.status} ${await res.text()}`);
}

export async function rename(base: string, token: string, name: string): Promise<number> {
	const res = await fetch(`${base}/api/me/name`, {
		method: 'POST',
		headers: { ...cookie(token), 'content-type': 'application/json' },
		body: JSON.stringify({ name })
	});
	return res.status;
}

export async function takeOver(base: string, token: string, roomId: string): Promise<number> {
	return (await fetch(`${base}/api/rooms/${roomId}/takeover`, { method: 'POST', headers: cookie(token) })).status;
}

/** GET an audit endpoint (`path` with its query) as JSON. */
export async function audit(
	base: string,
	path: string,
	token: string | null
): Promise<{ status: number; body: AuditPage & { error?: string; message?: string } }> {
	const res = await fetch(`${base}${path}`, { headers: cookie(token) });
	return { status: res.status, body: (await res.json()) as AuditPage & { error?: string; message?: string } };
}

/** Every row of an audit endpoint, following its cursors, `limit` at a time. */
export async function allRows(base: string, path: string, token: string, limit: number): Promise<AuditPage['rows']> {
	const rows: AuditPage['rows'] = [];
	let cursor: string | null = null;
	do {
		const sep = path.includes('?') ? '&' : '?';
		const page = await audit(base, `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
		if (page.status !== 200) throw new Error(`audit page: ${page.status} ${page.body.message}`);
		expect(page.body.rows.length).toBeLessThanOrEqual(limit);
		rows.push(...page.body.rows);
		cursor = page.body.next;
	} while (cursor);
	return rows;
}

/** GET an audit CSV: its status, headers and records (the header row gives the keys). */
export async function auditCsv(base: string, path: string, token: string) {
	const res = await fetch(`${base}${path}`, { headers: cookie(token) });
	const text = await res.text();
	const records = res.ok ? (parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>) : [];
	return {
		status: res.status,
		type: res.headers.get('content-type'),
		disposition: res.headers.get('content-disposition'),
		records
	};
}
