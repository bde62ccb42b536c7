/**
 * The worker pool as its callers use it: a named task runs on another thread and answers, progress
 * arrives along the way, and a task that outgrows a thread's memory fails alone while the pool goes on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportMapping } from '../../src/lib/domain';
import { createWorkerPool, WorkerMemoryError } from '../../server/workers/pool';

const pool = createWorkerPool({ threads: 1 });
afterAll(() => pool.close());

const room = {
	stages: { s: { name: 'Stage' } },
	complaints: {},
	kpis: { k: { id: 'k', name: 'Wait', unit: 'min', stageId: 's' } },
	surveys: {}
};
const mapping: ImportMapping = {
	kind: 'kpis',
	hasHeader: true,
	dateColumn: { index: 0, name: null },
	dateFormat: 'auto',
	idColumn: null,
	segmentColumn: null,
	valueColumn: { index: 1, name: null },
	nameColumn: null,
	kpiId: 'k',
	stageRules: [],
	defaultStageId: null
};
const file = (rows: number) =>
	Buffer.from(
		['date,value', ...Array.from({ length: rows }, (_, i) => `2025-01-${String((i % 28) + 1).padStart(2, '0')},${i}`)].join('\n')
	);

describe('worker pool', () => {
	it('runs a named task on a thread, with its progress along the way', async () => {
		const progress: number[] = [];
		const read = await pool.run(
			'imports.read',
			{ bytes: file(5_000), room, mapping, seenKeys: [] },
			{ onProgress: (p) => progress.push(p.rows) }
		);
		expect(read).toMatchObject({ ok: true, summary: { rows: 5_000, added: 5_000, errors: 0 } });
		expect(progress).toContain(4_000);
		expect(await pool.run('imports.inspect', { bytes: file(3) })).toMatchObject({
			ok: true,
			inspection: { hasHeader: true, columns: [{ looks: 'date' }, { looks: 'number' }] }
		});
	});

	it('answers a file it cannot parse with what is wrong, not a throw', async () => {
		const read = await pool.run('imports.read', {
			bytes: Buffer.from('date,value\n2025-01-01,1\n"never closed,2\n'),
			room,
			mapping,
			seenKeys: []
		});
		expect(read).toMatchObject({ ok: false, message: expect.stringContaining('never closed') });
	});

	it('fails a task that outgrows its memory, and keeps serving the next one', async () => {
		const small = createWorkerPool({ threads: 1, maxHeapMb: 32 });
		try {
			await expect(small.run('imports.read', { bytes: file(1_500_000), room, mapping, seenKeys: [] })).rejects.toBeInstanceOf(
				WorkerMemoryError
			);
			expect(await small.run('imports.inspect', { bytes: file(3) })).toMatchObject({ ok: true, inspection: { hasHeader: true } });
		} finally {
			await small.close();
		}
	}, 60_000);
});
