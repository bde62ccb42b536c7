/**
 * The Imports tab's flow, step by step, against a scripted server: what each step shows, and that a
 * late answer (progress after a cancel, a read that ends after the form changed) cannot put the page
 * in a step it has left.
 */
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/lib/client/curate-api';
import { ImportsFlow, type ImportsApi } from '../../src/lib/components/curate/imports/imports-flow.svelte';
import type { ImportOutcome, ImportSummary, Inspection, StoredUpload } from '../../src/lib/protocol/curate';
import { buildRoom } from '../support/factories';

const room = buildRoom({ stages: 2 }).state;

const column = (index: number, name: string, looks: 'date' | 'text', samples: string[]) => ({
	index,
	name,
	samples,
	looks,
	dateFormat: looks === 'date' ? ('YYYY-MM-DD' as const) : null,
	distinct: samples.length,
	unique: false,
	topValues: samples.map((value) => ({ value, count: 1 }))
});

const INSPECTION: Inspection = {
	encoding: 'utf-8',
	delimiter: ',',
	hasHeader: true,
	approxRows: 2,
	rows: [
		['Date', 'Category', 'Complaint'],
		['2026-01-04', 'Delivery', 'Late again'],
		['2026-01-05', 'Billing', 'Charged twice']
	],
	columns: [
		column(0, 'Date', 'date', ['2026-01-04', '2026-01-05']),
		column(1, 'Category', 'text', ['Delivery', 'Billing']),
		column(2, 'Complaint', 'text', ['Late again', 'Charged twice'])
	],
	guesses: {
		date: { index: 0, why: '100% of its filled values are dates.' },
		category: { index: 1, why: 'They repeat like categories.' },
		text: null,
		id: null
	}
};

const SUMMARY: ImportSummary = {
	rows: 2,
	added: 2,
	duplicates: 0,
	errors: 0,
	errorList: [],
	preview: [],
	categories: [],
	periods: { from: '2026-01', to: '2026-01' },
	notes: [],
	masked: []
};

const STORED: StoredUpload = {
	blobId: 'ab'.repeat(32),
	size: 80,
	mime: 'text/csv',
	kind: 'csv',
	thumbBlobId: null,
	width: null,
	height: null
};

/** A promise the test settles when it chooses. */
function later<T>() {
	let settle!: (value: T) => void;
	const promise = new Promise<T>((resolve) => (settle = resolve));
	return { promise, settle };
}

/** A server whose every answer the test gives by hand, recording what it was asked. */
function scriptedServer() {
	const uploads: Array<{
		progress: (f: number) => void;
		signal: AbortSignal;
		answer: ReturnType<typeof later<Answer<StoredUpload>>>;
	}> = [];
	const inspections: Array<ReturnType<typeof later<Answer<Inspection>>>> = [];
	const reads: Array<{
		body: Parameters<ImportsApi['read']>[0];
		progress: (d: { rows: number; fraction: number }) => void;
		answer: ReturnType<typeof later<ImportOutcome>>;
	}> = [];
	const api: ImportsApi = {
		upload(_file, progress, signal) {
			const answer = later<Answer<StoredUpload>>();
			signal.addEventListener('abort', () => answer.settle({ ok: false, message: 'The upload was cancelled.' }));
			uploads.push({ progress, signal, answer });
			return answer.promise;
		},
		inspect() {
			const answer = later<Answer<Inspection>>();
			inspections.push(answer);
			return answer.promise;
		},
		read(body, progress) {
			const answer = later<ImportOutcome>();
			reads.push({ body, progress, answer });
			return answer.promise;
		}
	};
	return { api, uploads, inspections, reads };
}

const csv = () => new File(['Date,Category,Complaint\n2026-01-04,Delivery,Late again\n'], 'complaints.csv', { type: 'text/csv' });
const tickOver = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A flow with a file uploaded, inspected and mapped. */
async function mappedFlow() {
	const server = scriptedServer();
	const flow = new ImportsFlow(server.api, () => room);
	const chosen = flow.choose(csv());
	server.uploads[0]!.answer.settle({ ok: true, value: STORED });
	await tickOver();
	server.inspections[0]!.settle({ ok: true, value: INSPECTION });
	expect(await chosen).toBe('mapped');
	return { flow, server };
}

describe('Imports flow', () => {
	it('uploads with progress, then maps the columns of the file it read', async () => {
		const server = scriptedServer();
		const flow = new ImportsFlow(server.api, () => room);
		expect(flow.step).toEqual({ phase: 'choose', notice: null, error: null });
		expect(flow.mapped).toBeNull();

		const chosen = flow.choose(csv());
		expect(flow.busy).toBe(true);
		server.uploads[0]!.progress(0.4);
		expect(flow.step).toEqual({ phase: 'uploading', fileName: 'complaints.csv', progress: 0.4 });

		server.uploads[0]!.answer.settle({ ok: true, value: STORED });
		await tickOver();
		expect(flow.step.phase).toBe('uploading');
		server.inspections[0]!.settle({ ok: true, value: INSPECTION });
		expect(await chosen).toBe('mapped');

		expect(flow.busy).toBe(false);
		expect(flow.step.phase).toBe('mapping');
		expect(flow.mapped?.file).toEqual({ name: 'complaints.csv', blobId: STORED.blobId });
		expect(flow.mapped?.mapping.kind).toBe('complaints');
		expect(flow.mapped?.remembered).toBe(false);
		expect(flow.error).toBeNull();
	});

	it('stops an upload on Cancel, says nothing was stored, and ignores progress that arrives late', async () => {
		const server = scriptedServer();
		const flow = new ImportsFlow(server.api, () => room);
		const chosen = flow.choose(csv());
		flow.cancelUpload();
		expect(server.uploads[0]!.signal.aborted).toBe(true);
		expect(await chosen).toBe('cancelled');
		expect(flow.step).toEqual({ phase: 'choose', notice: 'Stopped uploading complaints.csv. Nothing was stored.', error: null });
		expect(flow.notice).toBe('Stopped uploading complaints.csv. Nothing was stored.');

		// A new upload: the old one's last progress event does not move its bar.
		void flow.choose(csv());
		server.uploads[0]!.progress(0.9);
		expect(flow.step).toEqual({ phase: 'uploading', fileName: 'complaints.csv', progress: 0 });
		expect(flow.notice).toBeNull();
	});

	it('goes back to choosing, with the reason, when the upload or the first look is refused', async () => {
		const server = scriptedServer();
		const flow = new ImportsFlow(server.api, () => room);
		const refused = flow.choose(csv());
		server.uploads[0]!.answer.settle({ ok: false, message: 'This file is larger than the server accepts.' });
		expect(await refused).toBe('failed');
		expect(flow.step).toEqual({ phase: 'choose', notice: null, error: 'This file is larger than the server accepts.' });

		const unreadable = flow.choose(csv());
		expect(flow.error).toBeNull();
		server.uploads[1]!.answer.settle({ ok: true, value: STORED });
		await tickOver();
		server.inspections[0]!.settle({ ok: false, message: 'This file is not text.' });
		expect(await unreadable).toBe('failed');
		expect(flow.step).toEqual({ phase: 'choose', notice: null, error: 'This file is not text.' });
	});

	it('previews with rows counted as they are read, then imports what the preview showed', async () => {
		const { flow, server } = await mappedFlow();
		const previewing = flow.read(true);
		expect(flow.step.phase).toBe('reading');
		expect(flow.busy).toBe(true);
		expect(server.reads[0]!.body).toMatchObject({ blobId: STORED.blobId, fileName: 'complaints.csv', dryRun: true });
		server.reads[0]!.progress({ rows: 1200, fraction: 0.5 });
		expect(flow.step).toMatchObject({ phase: 'reading', rows: 1200, progress: 0.5 });

		server.reads[0]!.answer.settle({
			ok: true,
			applied: false,
			importId: null,
			version: null,
			summary: SUMMARY,
			message: '2 rows would be added.'
		});
		await previewing;
		expect(flow.step).toMatchObject({ phase: 'previewed', result: { applied: false, message: '2 rows would be added.' } });

		const importing = flow.read(false);
		expect(flow.step).toMatchObject({ phase: 'importing', rows: 0, progress: 0 });
		expect(server.reads[1]!.body.dryRun).toBe(false);
		server.reads[1]!.answer.settle({
			ok: true,
			applied: true,
			importId: 'i-1',
			version: 9,
			summary: SUMMARY,
			message: '2 rows added.'
		});
		await importing;
		expect(flow.step).toMatchObject({ phase: 'done', result: { applied: true, message: '2 rows added.' } });
		expect(flow.mapped?.file.name).toBe('complaints.csv');

		flow.reset();
		expect(flow.step).toEqual({ phase: 'choose', notice: null, error: null });
	});

	it('keeps the mapping and shows why when a read fails, including edits made while it read', async () => {
		const { flow, server } = await mappedFlow();
		const reading = flow.read(true);
		const step = flow.mapped!;
		if (step.mapping.kind !== 'complaints') throw new Error('expected a complaints mapping');
		step.mapping = { ...step.mapping, defaultStageId: room.stageOrder[1]! };
		server.reads[0]!.answer.settle({
			ok: false,
			code: 'unavailable',
			message: 'The server could not be reached. Check the connection and try again.'
		});
		await reading;
		expect(flow.step.phase).toBe('mapping');
		expect(flow.error).toBe('The server could not be reached. Check the connection and try again.');
		expect(flow.mapped?.mapping).toMatchObject({ kind: 'complaints', defaultStageId: room.stageOrder[1] });
	});

	it('maps again for another kind of file, and a preview of the old kind no longer holds', async () => {
		const { flow, server } = await mappedFlow();
		const previewing = flow.read(true);
		flow.changeKind('kpis');
		expect(flow.kind).toBe('complaints');
		server.reads[0]!.answer.settle({
			ok: true,
			applied: false,
			importId: null,
			version: null,
			summary: SUMMARY,
			message: '2 rows would be added.'
		});
		await previewing;
		expect(flow.step.phase).toBe('previewed');

		flow.changeKind('kpis');
		expect(flow.kind).toBe('kpis');
		expect(flow.step.phase).toBe('mapping');
		expect(flow.mapped?.mapping.kind).toBe('kpis');
		expect(flow.mapped?.file.name).toBe('complaints.csv');
		expect('result' in flow.step).toBe(false);
	});
});
