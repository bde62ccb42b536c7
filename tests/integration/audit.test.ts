/**
 * The audit trail on the real server process (file store): access entries and room events in one list,
 * filters, paging, CSV, who may read it, and that an answered entry survives a SIGKILL of the server.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRows, audit, auditCsv, createRoom, instanceAdmin, rename, takeOver } from '../support/audit-http';
import { sessionToken, startServerProcess, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

const ROOM = 'audit-room';
const OTHER = 'audit-other';
let server: ServerProcess;
let dataDir = '';
let cleanup: () => Promise<void>;
let fran = '';
let admin = '';

beforeAll(async () => {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	dataDir = path.join(tmp.dir, 'data');
	server = await startServerProcess(dataDir);
	await createRoom(server.url, ROOM, 'Audit room');
	await createRoom(server.url, OTHER, 'Other room');
	fran = await sessionToken(server.url, ROOM, 'facilitator', 'Fran');
	expect(await rename(server.url, fran, 'Fran Facil')).toBe(200);
	admin = await instanceAdmin(server.url);
	expect(await takeOver(server.url, admin, ROOM)).toBe(200);
	expect(await takeOver(server.url, admin, OTHER)).toBe(200);
}, 60_000);

afterAll(async () => {
	server?.child.kill('SIGKILL');
	await server?.exited;
	await cleanup?.();
});

describe('the audit trail over HTTP (file store)', () => {
	it("joins a room's access entries with its events, newest first", async () => {
		const { status, body } = await audit(server.url, `/api/rooms/${ROOM}/audit`, fran);
		expect(status).toBe(200);
		expect(body.rows.map((r) => [r.source, r.action])).toEqual([
			['access', 'took_over'],
			['access', 'renamed'],
			['room', 'room.created']
		]);
		expect(body.rows[2]).toMatchObject({ actor: { id: 'admin', name: 'Administrator' }, detail: 'Audit room' });
		expect(body.next).toBeNull();
	});

	it('filters by person, kind and dates, and refuses filters it cannot read', async () => {
		const rows = async (query: string) =>
			(await audit(server.url, `/api/rooms/${ROOM}/audit?${query}`, fran)).body.rows.map((r) => r.action);
		expect(await rows('person=fran')).toEqual(['renamed']);
		expect(await rows('person=Administrator')).toEqual(['took_over', 'room.created']);
		expect(await rows('kind=access')).toEqual(['took_over', 'renamed']);
		expect(await rows('kind=room')).toEqual(['room.created']);
		expect(await rows('kind=took_over')).toEqual(['took_over']);
		expect(await rows('from=2999-01-01')).toEqual([]);
		expect(await rows(`to=2000-01-01`)).toEqual([]);
		expect(await rows(`from=${new Date(Date.now() - 3600_000).toISOString()}&kind=renamed`)).toEqual(['renamed']);
		for (const bad of [
			'kind=dropped_tables',
			'from=soon',
			'from=2026-05-02&to=2026-05-01',
			'cursor=%00',
			'limit=501',
			'sort=asc'
		]) {
			const answer = await audit(server.url, `/api/rooms/${ROOM}/audit?${bad}`, fran);
			expect(answer.status, bad).toBe(400);
			expect(answer.body.error, bad).toBe('invalid_payload');
		}
	});

	it('pages through every row once, a row at a time', async () => {
		const one = await allRows(server.url, `/api/rooms/${ROOM}/audit`, fran, 1);
		const whole = (await audit(server.url, `/api/rooms/${ROOM}/audit`, fran)).body.rows;
		expect(one).toEqual(whole);
	});

	it('answers a CSV of the filtered rows as a download', async () => {
		const csv = await auditCsv(server.url, `/api/rooms/${ROOM}/audit.csv?kind=access`, fran);
		expect(csv.status).toBe(200);
		expect(csv.type).toMatch(/^text\/csv/);
		expect(csv.disposition).toMatch(new RegExp(`^attachment; filename="audit-${ROOM}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
		expect(csv.records.map((r) => r.action)).toEqual(['took_over', 'renamed']);
		expect(csv.records[1]).toMatchObject({ who: 'Fran Facil', description: 'Fran renamed themselves to Fran Facil.' });
	});

	it('lets facilitators of the room and instance admins read it, and nobody else', async () => {
		expect((await audit(server.url, `/api/rooms/${ROOM}/audit`, null)).status).toBe(401);
		for (const role of ['contributor', 'viewer'] as const)
			expect(
				(await audit(server.url, `/api/rooms/${ROOM}/audit`, await sessionToken(server.url, ROOM, role, role))).status,
				role
			).toBe(403);
		const otherFacilitator = await sessionToken(server.url, OTHER, 'facilitator', 'Olga');
		expect((await audit(server.url, `/api/rooms/${ROOM}/audit`, otherFacilitator)).status).toBe(403);
		expect((await audit(server.url, `/api/rooms/${ROOM}/audit.csv`, otherFacilitator)).status).toBe(403);
		expect((await audit(server.url, '/api/admin/audit', fran)).status).toBe(403);
		expect((await audit(server.url, '/api/admin/audit', null)).status).toBe(401);
		expect((await audit(server.url, `/api/rooms/no-such-room/audit`, admin)).status).toBe(404);
		const write = await fetch(`${server.url}/api/rooms/${ROOM}/audit`, {
			method: 'DELETE',
			headers: { cookie: `cr_session=${admin}` }
		});
		expect(write.status).toBe(405);
	});

	it("the instance's trail holds every room's access entries, for an instance admin", async () => {
		const { status, body } = await audit(server.url, '/api/admin/audit', admin);
		expect(status).toBe(200);
		// Beside the rooms' entries, the instance's own: the admin's account made by the setup link.
		expect(body.rows.filter((r) => r.roomId !== null).map((r) => [r.action, r.roomId])).toEqual([
			['took_over', OTHER],
			['took_over', ROOM],
			['renamed', ROOM]
		]);
		expect(
			body.rows
				.filter((r) => r.roomId === null)
				.map((r) => r.action)
				.sort()
		).toEqual(['account_created', 'admin_granted']);
		const csv = await auditCsv(server.url, '/api/admin/audit.csv?person=fran', admin);
		expect(csv.records.map((r) => [r.action, r.room])).toEqual([['renamed', ROOM]]);
	});

	it('keeps an answered entry through a SIGKILL of the server', async () => {
		expect(await rename(server.url, fran, 'Fran F.')).toBe(200);
		server.child.kill('SIGKILL');
		await server.exited;
		server = await startServerProcess(dataDir);
		const { body } = await audit(server.url, `/api/rooms/${ROOM}/audit?kind=renamed`, fran);
		expect(body.rows.map((r) => [r.actor?.name, r.detail])).toEqual([
			['Fran F.', 'Fran Facil'],
			['Fran Facil', 'Fran']
		]);
	}, 60_000);
});
