/**
 * The curation endpoints as a page uses them (uploads, imports with their progress stream, exports,
 * restore), over real HTTP with a session cookie.
 */
import { SESSION_COOKIE } from '../../server/http/session';
import type { ComplaintMapping, ImportMapping } from '../../src/lib/domain';

/** A complaints mapping for a file `date,issue[,text]` with a header: every row goes to `stageId`. */
export function simpleComplaintMapping(stageId: string, withText = false): ComplaintMapping {
	return {
		kind: 'complaints',
		hasHeader: true,
		dateColumn: { index: 0, name: 'date' },
		dateFormat: 'auto',
		idColumn: null,
		segmentColumn: null,
		categoryColumn: { index: 1, name: 'issue' },
		channelColumn: null,
		textColumn: withText ? { index: 2, name: 'text' } : null,
		stageRules: [],
		defaultStageId: stageId
	};
}

export interface ImportStreamResult {
	status: number;
	progress: Array<{ rows: number; fraction: number }>;
	done: Record<string, unknown> & { ok: boolean; message: string };
	/** When each line arrived (ms since the request), for ordering checks. */
	arrivals: number[];
}

export function curateHttp(baseUrl: string, roomId: string, token: string | null) {
	const headers = (extra: Record<string, string> = {}) => ({
		...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}),
		...extra
	});
	const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
	const room = `${baseUrl}/api/rooms/${roomId}`;

	return {
		async upload(bytes: Uint8Array, purpose: 'artifact' | 'import' = 'artifact', extra: Record<string, string> = {}) {
			return json(
				await fetch(`${room}/uploads?purpose=${purpose}`, {
					method: 'POST',
					headers: headers({ 'content-type': 'application/octet-stream', ...extra }),
					body: bytes as unknown as BodyInit
				})
			);
		},
		async inspect(blobId: string) {
			return json(
				await fetch(`${room}/imports/inspect`, {
					method: 'POST',
					headers: headers({ 'content-type': 'application/json' }),
					body: JSON.stringify({ blobId })
				})
			);
		},
		/** Runs an import and reads its NDJSON stream to the end, telling `onProgress` of each progress line as it comes. */
		async runImport(
			body: { blobId: string; fileName?: string; mapping: ImportMapping; dryRun: boolean },
			onProgress?: (progress: { rows: number; fraction: number }) => void
		): Promise<ImportStreamResult> {
			const started = Date.now();
			const res = await fetch(`${room}/imports`, {
				method: 'POST',
				headers: headers({ 'content-type': 'application/json' }),
				body: JSON.stringify(body)
			});
			if (!res.headers.get('content-type')?.includes('ndjson')) {
				const answer = (await res.json()) as Record<string, unknown>;
				return {
					status: res.status,
					progress: [],
					arrivals: [],
					done: { ok: false, message: String(answer.message), ...answer }
				};
			}
			const progress: ImportStreamResult['progress'] = [];
			const arrivals: number[] = [];
			let done: ImportStreamResult['done'] | null = null;
			let buffered = '';
			const decoder = new TextDecoder();
			for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
				buffered += decoder.decode(chunk, { stream: true });
				let newline: number;
				while ((newline = buffered.indexOf('\n')) >= 0) {
					const line = JSON.parse(buffered.slice(0, newline)) as { type: string } & Record<string, unknown>;
					buffered = buffered.slice(newline + 1);
					arrivals.push(Date.now() - started);
					if (line.type === 'progress') {
						progress.push(line as unknown as { rows: number; fraction: number });
						onProgress?.(progress.at(-1)!);
					} else done = line as unknown as ImportStreamResult['done'];
				}
			}
			if (!done) throw new Error('the import stream ended without an outcome');
			return { status: res.status, progress, done, arrivals };
		},
		async get(path: string) {
			const res = await fetch(`${room}${path}`, { headers: headers() });
			return { status: res.status, headers: res.headers, text: await res.text() };
		},
		/** A stored file, as this session fetches it (`extra`: a Range header, say). */
		async blob(id: string, extra: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
			return fetch(`${baseUrl}/api/blobs/${id}`, { method, headers: headers(extra) });
		},
		async restore(body: string) {
			return json(
				await fetch(`${baseUrl}/api/rooms/restore`, {
					method: 'POST',
					headers: headers({ 'content-type': 'application/json' }),
					body
				})
			);
		}
	};
}
