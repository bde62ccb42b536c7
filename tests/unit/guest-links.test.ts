/**
 * Guest links on the embedded access store with a moved clock: a guest's visit ends when the link's
 * lifetime does, the link opens only as often as it may, and a guest never counts as a person who may
 * create rooms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessService, guestName, mayCreateRooms } from '../../server/access/access-service';
import { openFileKv } from '../../server/access/file-kv';
import { tempDir } from '../support/temp-dir';

const HOUR = 3600_000;
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
	await cleanup?.();
	cleanup = null;
});

async function service() {
	const tmp = await tempDir();
	cleanup = tmp.cleanup;
	const clock = { now: Date.parse('2026-12-07T09:00:00Z') };
	const now = () => clock.now;
	return { clock, access: createAccessService(await openFileKv(tmp.dir, now), now) };
}

describe('guest links', () => {
	it('a guest is marked, and their visit ends when the link expires', async () => {
		const { clock, access } = await service();
		const { token } = await access.makeGuestLink('room', 'viewer', { ttlMs: 4 * HOUR, uses: null, createdBy: 'Fay' });
		const joined = await access.join(token, 'Vic', null);
		if (!joined.ok) throw new Error(joined.message);
		const session = await access.session(joined.token);
		expect(session).toMatchObject({ name: guestName('Vic'), guest: true });
		expect(access.roleIn(session, 'room')).toBe('viewer');
		expect(mayCreateRooms(session)).toBe(false);

		clock.now += 4 * HOUR - 1000;
		expect(await access.session(joined.token)).not.toBeNull();
		clock.now += 2000;
		expect(await access.session(joined.token)).toBeNull();
		expect((await access.join(token, 'Late', null)).ok).toBe(false);
		expect(await access.guestLinks('room')).toEqual([]);
	});

	it('opens only as often as it may, and says so when used up', async () => {
		const { access } = await service();
		const { token } = await access.makeGuestLink('room', 'contributor', { ttlMs: HOUR, uses: 1, createdBy: 'Fay' });
		expect((await access.join(token, 'One', null)).ok).toBe(true);
		const second = await access.join(token, 'Two', null);
		expect(second).toMatchObject({ ok: false, code: 'expired' });
		expect((await access.guestLinks('room'))[0]).toMatchObject({ usesLeft: 0, used: 1 });
	});
});
