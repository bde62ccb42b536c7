/**
 * The audit trail's store on real files (the embedded lists and access.json): keep-N, filters, paging,
 * older lines, masking, torn lines, the sentences and the CSV's escaping.
 */
import { readFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileKv } from '../../server/access/file-kv';
import { auditCsv, auditCsvInSlices, parseAuditQuery } from '../../server/http/audit-api';
import { createAuditTrail, maskAddress } from '../../server/people/audit-trail';
import { pageOf } from '../../server/people/audit-view';
import { openFileAuditLists } from '../../server/people/file-audit-lists';
import { describeAuditRow, type AuditInput, type AuditRow } from '../../src/lib/protocol/audit';
import { tempDir } from '../support/temp-dir';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function openTrail(keep = { room: 10, instance: 15 }) {
	const tmp = await tempDir('audit-unit-');
	cleanups.push(tmp.cleanup);
	const clock = { now: Date.parse('2026-03-01T09:00:00Z') };
	const kv = await openFileKv(tmp.dir);
	const lists = await openFileAuditLists(join(tmp.dir, 'audit'));
	return { dir: tmp.dir, kv, clock, trail: createAuditTrail(kv, () => clock.now, lists, keep) };
}

const ana = { id: 'p-ana', name: 'Ana Ruiz', kind: 'person' } as const;
const tom = { id: 'p-tom', name: 'Tom Berg', kind: 'person' } as const;
const gus = { id: 'g-gus', name: 'Gus', kind: 'guest' } as const;

describe('recording', () => {
	it('keeps the newest N per room and per instance, and the files stay near N lines', async () => {
		const { trail, clock, dir } = await openTrail();
		for (let i = 0; i < 40; i++) {
			clock.now += 1000;
			await trail.record({ action: 'signed_in', roomId: i % 2 ? 'r1' : null, actor: { ...ana, name: `Ana ${i}` } });
		}
		const room = await trail.room('r1');
		expect(room).toHaveLength(10);
		// Newest first: the last odd one recorded leads.
		expect(room.map((e) => e.actor?.name)).toEqual(Array.from({ length: 10 }, (_, k) => `Ana ${39 - 2 * k}`));
		const instance = await trail.instance();
		expect(instance).toHaveLength(15);
		expect(instance[0]!.actor?.name).toBe('Ana 39');
		const lines = (await readFile(join(dir, 'audit', 'audit-trail.instance.jsonl'), 'utf8')).trim().split('\n');
		expect(lines.length).toBeLessThanOrEqual(15 + 3);
	});

	it('refuses an entry outside the closed list, storing nothing', async () => {
		const { trail } = await openTrail();
		const bad = { action: 'hacked', roomId: 'r1', actor: ana } as unknown as AuditInput;
		await expect(trail.record(bad)).rejects.toThrow();
		await expect(trail.record({ action: 'signed_in', roomId: '../x', actor: ana })).rejects.toThrow();
		expect(await trail.instance()).toEqual([]);
	});

	it('masks client addresses before they are stored', async () => {
		const { trail, dir } = await openTrail();
		await trail.record({
			action: 'sign_in_failed',
			roomId: null,
			actor: null,
			address: '203.0.113.77',
			detail: 'wrong password'
		});
		await trail.record({ action: 'signed_in', roomId: null, actor: ana, address: '2001:db8:85a3:8d3:1319:8a2e:370:7348' });
		const stored = await readFile(join(dir, 'audit', 'audit-trail.instance.jsonl'), 'utf8');
		expect(stored).not.toContain('203.0.113.77');
		expect(stored).not.toContain('7348');
		expect((await trail.instance()).map((e) => e.address)).toEqual(['2001:db8:85a3::', '203.0.113.0']);
		expect(maskAddress('::ffff:10.1.2.3')).toBe('10.1.2.0');
		expect(maskAddress('not an address')).toBe('unknown');
	});

	it('skips a line torn by a crash and keeps recording after it', async () => {
		const { trail, dir } = await openTrail();
		await trail.record({ action: 'signed_in', roomId: 'r1', actor: ana });
		await appendFile(join(dir, 'audit', 'audit-trail.room.r1.jsonl'), '{"id":"torn","at":"2026-');
		const fresh = await openTrail();
		const again = createAuditTrail(fresh.kv, Date.now, await openFileAuditLists(join(dir, 'audit')));
		await again.record({ action: 'signed_out', roomId: 'r1', actor: ana });
		expect((await again.room('r1')).map((e) => e.action).sort()).toEqual(['signed_in', 'signed_out']);
	});

	it('two writers on one folder (the server and npm run admin) lose nothing, and keep-N counts both', async () => {
		const { dir } = await openTrail();
		const [a, b] = [await openFileAuditLists(join(dir, 'shared')), await openFileAuditLists(join(dir, 'shared'))];
		for (let n = 0; n < 30; n++) await (n % 2 ? a : b).push('audit-trail:instance', { n }, 20);
		const kept = await a.list<{ n: number }>('audit-trail:instance');
		expect(kept.length).toBeLessThanOrEqual(25);
		expect(kept.slice(-20).map((v) => v.n)).toEqual(Array.from({ length: 20 }, (_, k) => 10 + k));
		// At once, from both: every push is there, whole.
		await Promise.all(Array.from({ length: 40 }, (_, n) => (n % 2 ? a : b).push('audit-trail:room:r9', { n }, 1_000)));
		expect((await b.list<{ n: number }>('audit-trail:room:r9')).map((v) => v.n).sort((x, y) => x - y)).toEqual(
			Array.from({ length: 40 }, (_, n) => n)
		);
	});

	it('reads the lines the access service kept before the trail, beside the new entries', async () => {
		const { trail, kv } = await openTrail();
		await kv.push(
			'audit:r1',
			{ at: '2026-01-02T10:00:00.000Z', action: 'renamed', sessionId: 's1', from: 'Ann', to: 'Ann Lee' },
			100
		);
		await kv.push(
			'audit:r1',
			{ at: '2026-01-03T10:00:00.000Z', action: 'took_over', sessionId: 's2', name: 'Admin', from: null },
			100
		);
		await trail.record({ action: 'signed_in', roomId: 'r1', actor: ana });
		const rows = await trail.room('r1');
		expect(rows.map((e) => e.action)).toEqual(['signed_in', 'took_over', 'renamed']);
		expect(rows[2]).toMatchObject({ actor: { id: 's1', name: 'Ann Lee' }, detail: 'Ann' });
		expect((await trail.instance({}, ['r1'])).map((e) => e.action)).toEqual(['signed_in', 'took_over', 'renamed']);
	});
});

describe('queries', () => {
	async function seeded() {
		const t = await openTrail({ room: 100, instance: 100 });
		const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T12:00:00.000Z`;
		await t.trail.record({ at: at(1), action: 'invite_made', roomId: 'r1', actor: ana, role: 'contributor' });
		await t.trail.record({
			at: at(2),
			action: 'role_changed',
			roomId: 'r1',
			actor: ana,
			subject: tom,
			fromRole: 'viewer',
			role: 'contributor'
		});
		await t.trail.record({ at: at(3), action: 'guest_joined', roomId: 'r1', actor: gus });
		await t.trail.record({ at: at(4), action: 'signed_in', roomId: null, actor: tom, address: '198.51.100.4' });
		return t;
	}

	it('filters by person (id or any part of a name, as actor or subject), kind and dates', async () => {
		const { trail } = await seeded();
		expect((await trail.room('r1', { person: 'p-tom' })).map((e) => e.action)).toEqual(['role_changed']);
		expect((await trail.instance({ person: 'tom' })).map((e) => e.action)).toEqual(['signed_in', 'role_changed']);
		expect((await trail.instance({ person: 'RUIZ' })).map((e) => e.action)).toEqual(['role_changed', 'invite_made']);
		expect((await trail.instance({ kind: 'guest_joined' })).map((e) => e.actor?.name)).toEqual(['Gus']);
		expect(await trail.instance({ kind: 'room' })).toEqual([]);
		expect(
			(await trail.instance({ from: Date.parse('2026-03-02T00:00:00Z'), to: Date.parse('2026-03-03T23:59:59Z') })).map(
				(e) => e.action
			)
		).toEqual(['guest_joined', 'role_changed']);
		// The instance holds the room's entries and its own.
		expect(await trail.room('r1')).toHaveLength(3);
		expect(await trail.instance()).toHaveLength(4);
	});

	it('reads a query string into a filter, and refuses what it cannot be', () => {
		const ok = parseAuditQuery(new URLSearchParams('person=Ana&kind=role_changed&from=2026-03-02&to=2026-03-02'));
		expect(ok).toMatchObject({
			ok: true,
			filter: {
				person: 'Ana',
				kind: 'role_changed',
				from: Date.parse('2026-03-02T00:00:00Z'),
				to: Date.parse('2026-03-02T23:59:59.999Z')
			}
		});
		expect(parseAuditQuery(new URLSearchParams('kind=team.chartered'))).toMatchObject({ ok: true });
		for (const bad of [
			'kind=hacked',
			'from=yesterday',
			'from=2026-03-05&to=2026-03-01',
			'cursor=abc',
			'limit=0',
			'limit=9999',
			'other=1'
		])
			expect(parseAuditQuery(new URLSearchParams(bad)), bad).toMatchObject({ ok: false, message: expect.any(String) });
	});

	it('pages newest first; a cursor finds its place among rows of the same millisecond', () => {
		const rows: AuditRow[] = Array.from({ length: 7 }, (_, i) => ({
			id: `v${String(7 - i).padStart(3, '0')}`,
			at: i < 4 ? '2026-03-02T00:00:00.000Z' : '2026-03-01T00:00:00.000Z',
			source: 'room' as const,
			action: 'stage.added',
			roomId: 'r1',
			actor: ana
		}));
		const first = pageOf(rows, null, 3);
		expect(first.rows.map((r) => r.id)).toEqual(['v007', 'v006', 'v005']);
		const cursor = JSON.parse(Buffer.from(first.next!, 'base64url').toString()) as [string, string];
		const second = pageOf(rows, { at: cursor[0], id: cursor[1] }, 3);
		expect(second.rows.map((r) => r.id)).toEqual(['v004', 'v003', 'v002']);
		const third = pageOf(rows, { at: second.rows[2]!.at, id: second.rows[2]!.id }, 3);
		expect(third).toEqual({ rows: [rows[6]], next: null });
	});
});

describe('sentences and CSV', () => {
	const row = (over: Partial<AuditRow>): AuditRow => ({
		id: 'x',
		at: '2026-03-02T12:00:00.000Z',
		source: 'access',
		action: 'signed_in',
		roomId: 'r1',
		actor: ana,
		...over
	});

	it('describes each row as a whole sentence, guests marked', () => {
		expect(describeAuditRow(row({ action: 'role_changed', subject: tom, fromRole: 'viewer', role: 'contributor' }))).toBe(
			"Ana Ruiz changed Tom Berg's role from viewer to contributor."
		);
		expect(describeAuditRow(row({ action: 'guest_joined', actor: gus }))).toBe(
			'Gus (guest) joined in room r1 with a guest link.'
		);
		expect(describeAuditRow(row({ action: 'took_over', fromRole: null }))).toBe(
			'Ana Ruiz took over in room r1 as facilitator (their role before: no role).'
		);
		expect(describeAuditRow(row({ action: 'renamed', detail: 'Ana' }))).toBe('Ana renamed themselves to Ana Ruiz.');
		expect(describeAuditRow(row({ source: 'room', action: 'team.chartered', detail: 'Late deliveries' }))).toBe(
			'Ana Ruiz chartered a fix team: “Late deliveries”.'
		);
	});

	it('makes formulas inert and quotes commas, quotes and line breaks', () => {
		const evil = row({
			actor: { id: 'p-x', name: '=HYPERLINK("http://evil.example","x")', kind: 'person' },
			detail: '+1, "two"\nthree'
		});
		const csv = auditCsv([evil, row({ action: 'signed_out', detail: '@SUM(A1)' })]);
		expect(csv.startsWith('\uFEFF')).toBe(true);
		const records = parse(csv.slice(1), { columns: true }) as Array<Record<string, string>>;
		expect(records).toHaveLength(2);
		expect(records[0]!.who).toBe(`'=HYPERLINK("http://evil.example","x")`);
		expect(records[0]!.detail).toBe(`'+1, "two"\nthree`);
		expect(records[1]!.detail).toBe(`'@SUM(A1)`);
		for (const record of records) for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
	});

	it('a long download made a slice at a time is the same file, every row once', async () => {
		const rows = Array.from({ length: 5_001 }, (_, i) => row({ action: 'signed_in', detail: `entry ${i}, "quoted"` }));
		const sliced = await auditCsvInSlices(rows);
		expect(sliced).toBe(auditCsv(rows));
		expect(parse(sliced.slice(1), { columns: true })).toHaveLength(5_001);
	});
});
