/**
 * Where requests come from, over real HTTP: host names the server was not set up for are refused (HTTP and
 * the socket handshake); the client address behind a proxy is the one the trusted proxy saw, whatever the
 * client wrote into X-Forwarded-For; the cookie is Secure by a proxy's word only when TRUST_PROXY says so;
 * admin token guesses stop at the limit, even a right one.
 */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../../server/http/origin';
import { startTestServer, type TestServer } from '../support/test-server';

const ROOM = 'origin-room';
const ADMIN = randomBytes(32).toString('base64');

/** A raw HTTP request, so the Host header is ours to choose. */
function raw(
	url: string,
	path: string,
	headers: Record<string, string>,
	method = 'GET',
	body?: string
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
	return new Promise((resolve, reject) => {
		const req = request(`${url}${path}`, { method, headers }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

let plain: TestServer;
let proxied: TestServer;

beforeAll(async () => {
	plain = await startTestServer({ adminToken: ADMIN, allowedHosts: ['localhost', '127.0.0.1', '[::1]', 'room.example.com'] });
	proxied = await startTestServer({ trustProxy: parseTrustProxy('1') });
	for (const server of [plain, proxied]) await server.access.rotateInvite(ROOM, 'viewer');
});

afterAll(async () => {
	await plain?.close();
	await proxied?.close();
});

describe('allowed hosts', () => {
	it('refuses a request for a host name it does not serve with 421 and a sentence, and serves its own names on any port', async () => {
		const sentence = 'This server is not set up to answer for this host name. If it is yours, add the name to ALLOWED_HOSTS.';
		const evil = await raw(plain.url, '/api/health', { host: 'evil.example' });
		expect(evil.status).toBe(421);
		expect(JSON.parse(evil.text)).toEqual({ error: 'misdirected', message: sentence });
		// A page (here the app without pages: its 404) gets the sentence as text.
		const page = await raw(plain.url, '/rooms/x', { host: 'evil.example' });
		expect([page.status, page.text]).toEqual([421, sentence]);
		for (const host of [`127.0.0.1:${plain.port}`, `localhost:${plain.port}`, 'room.example.com', 'ROOM.example.com:443']) {
			expect((await raw(plain.url, '/api/health', { host })).status).toBe(200);
		}
		for (const host of ['room.example.com.evil.example', 'room.example.com@evil.example', 'evil.example/room.example.com']) {
			expect((await raw(plain.url, '/api/health', { host })).status).toBe(421);
		}
	});

	it('refuses a DNS-rebinding request whose Host and Origin are both the attacker name, on HTTP and the socket handshake', async () => {
		const join = await raw(
			plain.url,
			'/api/join',
			{ host: 'evil.example', origin: 'http://evil.example', 'content-type': 'application/json' },
			'POST',
			JSON.stringify({ token: 'x'.repeat(43), name: 'Eve' })
		);
		expect(join.status).toBe(421);
		const handshake = await raw(plain.url, '/socket.io/?EIO=4&transport=polling', {
			host: 'evil.example',
			origin: 'http://evil.example'
		});
		expect(handshake.status).toBe(403);
		expect(handshake.text).toContain('ALLOWED_HOSTS');
		const ours = await raw(plain.url, '/socket.io/?EIO=4&transport=polling', {
			host: `127.0.0.1:${plain.port}`,
			origin: `http://127.0.0.1:${plain.port}`
		});
		expect(ours.status).toBe(200);
	});
});

describe('session cookie', () => {
	async function joinCookie(server: TestServer): Promise<string> {
		const token = await server.access.rotateInvite(ROOM, 'contributor');
		const res = await fetch(`${server.url}/api/join`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-forwarded-proto': 'https',
				'x-forwarded-for': `192.0.2.${Math.floor(Math.random() * 200)}`
			},
			body: JSON.stringify({ token, name: 'Casey' })
		});
		expect(res.status).toBe(200);
		return res.headers.get('set-cookie') ?? '';
	}

	it('is Secure by X-Forwarded-Proto only from a trusted proxy', async () => {
		expect(await joinCookie(plain)).not.toMatch(/;\s*Secure/i);
		expect(await joinCookie(proxied)).toMatch(/;\s*Secure/i);
	});
});

describe('client address behind a proxy', () => {
	/** 21 failed joins, each from what X-Forwarded-For says: is the last one limited? */
	async function limitedAfterAttempts(server: TestServer, forwardedFor: (n: number) => string): Promise<boolean> {
		let status = 0;
		for (let n = 0; n < 21; n++) {
			const res = await fetch(`${server.url}/api/join`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(n) },
				body: JSON.stringify({ token: 'A'.repeat(43), name: 'Guess' })
			});
			status = res.status;
		}
		return status === 429;
	}

	it('keys the limit on the address the trusted proxy saw, not on what the client wrote in front of it', async () => {
		// nginx's $proxy_add_x_forwarded_for keeps what the client sent and appends the address it saw.
		expect(await limitedAfterAttempts(proxied, (n) => `10.1.1.${n}, 203.0.113.7`)).toBe(true);
		// Another client behind the same proxy has its own budget.
		const other = await fetch(`${proxied.url}/api/join`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' },
			body: JSON.stringify({ token: 'A'.repeat(43), name: 'Guess' })
		});
		expect(other.status).toBe(404);
	});

	it('ignores X-Forwarded-For without TRUST_PROXY', async () => {
		expect(await limitedAfterAttempts(plain, (n) => `10.2.2.${n}`)).toBe(true);
	});
});

describe('admin token', () => {
	const admin = (token: string) =>
		fetch(`${plain.url}/api/admin/rooms/${ROOM}/sessions`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'viewer', name: 'Script' })
		});

	it('does not count right tokens, and once guesses reach the limit refuses even the right token', async () => {
		for (let n = 0; n < 25; n++) expect((await admin(ADMIN)).status).toBe(200);
		const guesses: number[] = [];
		for (let n = 0; n < 20; n++) guesses.push((await admin(randomBytes(32).toString('base64'))).status);
		expect(guesses.every((s) => s === 401)).toBe(true);
		expect((await admin(randomBytes(32).toString('base64'))).status).toBe(429);
		const right = await admin(ADMIN);
		expect(right.status).toBe(429);
		expect(((await right.json()) as { message: string }).message).toBe('Too many attempts. Wait a minute and try again.');
	});
});
