/**
 * A real local HTTP server standing in for a webhook receiver (Slack, Teams, a customer's system): it
 * keeps every request it gets and answers as the test says (a status, or never, to hold a delivery).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
	at: number;
}

/** What to answer a request: a status (and body), or 'hold' to keep it waiting until the receiver closes. */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hold';

export async function startWebhookReceiver(answer: (request: Received, index: number) => Answer = () => ({ status: 200 })) {
	const received: Received[] = [];
	const waiters: Array<() => void> = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const request = {
				path: req.url ?? '/',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				at: Date.now()
			};
			received.push(request);
			for (const wake of waiters.splice(0)) wake();
			const a = answer(request, received.length - 1);
			if (a === 'hold') return;
			res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
			res.end(a.body ?? 'ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		/** Resolves once `count` requests have arrived (rejects after `timeoutMs`). */
		async waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
			const until = Date.now() + timeoutMs;
			while (received.length < count) {
				if (Date.now() > until) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
				await new Promise<void>((resolve) => {
					waiters.push(resolve);
					setTimeout(resolve, 100);
				});
			}
			return received;
		},
		async close(): Promise<void> {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
