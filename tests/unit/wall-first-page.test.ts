// A wall column's first render holds only what its first page can show (README, "The wall on TV
// hardware"): the sections keep their order, and a section is cut only where the budget runs out.
import { describe, expect, it } from 'vitest';
import { compareIso, compareText } from '../../src/lib/domain/basics';
import { blockCounts, head } from '../../src/lib/components/wall/wall-data';

describe("a column's first page", () => {
	it('fills the sections in order and leaves the later ones for after the first paint', () => {
		// Touchpoints (one block), five complaints, one quote, eight KPIs.
		expect(blockCounts([1, 5, 1, 8], 3)).toEqual([1, 2, 0, 0]);
		expect(blockCounts([0, 1, 1, 8], 3)).toEqual([0, 1, 1, 1]);
	});

	it('shows everything once the limit is lifted', () => {
		expect(blockCounts([1, 5, 1, 8], Infinity)).toEqual([1, 5, 1, 8]);
	});

	it('keeps a list whole (the same array) when it fits, and cuts it when not', () => {
		const list = ['a', 'b', 'c'];
		expect(head(list, 3)).toBe(list);
		expect(head(list, 2)).toEqual(['a', 'b']);
	});
});

describe('the sorting the wall uses', () => {
	it('orders names as localeCompare does', () => {
		const names = ['échéance', 'Zebra', 'apple', 'Étape 2', 'étape 10', 'Apple'];
		expect([...names].sort(compareText)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	it('orders ISO dates and timestamps oldest first', () => {
		const dates = ['2026-11-01', '2025-12-31', '2026-01-15', '2026-11-01T08:00:00.000Z'];
		expect([...dates].sort(compareIso)).toEqual(['2025-12-31', '2026-01-15', '2026-11-01', '2026-11-01T08:00:00.000Z']);
	});
});
