/**
 * Room ids made from names: readable, URL-safe, unique, and never an id a page or endpoint uses.
 */
import { describe, expect, it } from 'vitest';
import { roomIdTaken, slugOf, uniqueRoomId } from '../../server/rooms/room-id';

describe('room ids from names', () => {
	it('keeps letters and digits, folds accents, joins words with single hyphens', () => {
		expect(slugOf('Northwind Insurance')).toBe('northwind-insurance');
		expect(slugOf('  Ärzte & Co. — Köln 2026 ')).toBe('arzte-co-koln-2026');
		expect(slugOf('★★★')).toBe('room');
		expect(slugOf('x'.repeat(200))).toHaveLength(48);
		expect(slugOf(`${'a'.repeat(47)} b`)).toBe('a'.repeat(47));
	});

	it('takes the first free of slug, slug-2, slug-3, ...', async () => {
		const used = new Set(['acme', 'acme-2']);
		expect(await uniqueRoomId('ACME', async (id) => used.has(id))).toBe('acme-3');
		expect(await uniqueRoomId('Other', async (id) => used.has(id))).toBe('other');
	});

	it('never gives out "new" or "restore" (pages and endpoints), nor the id of a deleted room', async () => {
		const taken = roomIdTaken({ state: async (id) => (id === 'live' ? {} : null) }, { isRetired: async (id) => id === 'gone' });
		expect(await uniqueRoomId('New', taken)).toBe('new-2');
		expect(await uniqueRoomId('Restore', taken)).toBe('restore-2');
		expect(await uniqueRoomId('Gone', taken)).toBe('gone-2');
		expect(await uniqueRoomId('Live', taken)).toBe('live-2');
		expect(await uniqueRoomId('Fresh', taken)).toBe('fresh');
	});
});
