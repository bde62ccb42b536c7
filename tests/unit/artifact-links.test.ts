/**
 * Artifact links are read as the browser reads them: `//evil.example/x.pdf` and `/\evil.example` start with
 * a slash but lead to another site, so the room refuses them, and a page never renders one saved before.
 */
import { describe, expect, it } from 'vitest';
import { Command, isSafeLink, isSitePath, type Artifact } from '../../src/lib/domain';
import { mediaSource } from '../../src/lib/components/curate/artifacts/artifacts';
import { callAudioUrl } from '../../src/lib/components/facilitate/call-transcript';
import { artifactImage, artifactLink } from '../../src/lib/components/wall/artifact-view';
import { command } from '../support/factories';

const ELSEWHERE = [
	'//evil.example/x.pdf',
	'/\\evil.example',
	'/\\/evil.example/x.png',
	'/\t/evil.example/a.ogg',
	'javascript:alert(1)',
	'data:text/html,hi',
	'https:evil.example',
	'ftp://files.example/x'
];
const FINE = [
	'/demo/letter.png',
	'/demo/calls/call.ogg?x=1#t',
	'https://northwind.example/fees',
	'http://intranet.example:8080/a b'
];

describe('artifact links', () => {
	it('allow only http(s) addresses and paths on this site', () => {
		expect(ELSEWHERE.filter(isSafeLink)).toEqual([]);
		expect(FINE.filter(isSafeLink)).toEqual(FINE);
		expect(['/demo/letter.png', '//evil.example/x', '/\\evil.example', 'https://northwind.example/'].map(isSitePath)).toEqual([
			true,
			false,
			false,
			false
		]);
	});

	it('are refused in a command, as the gateway validates it', () => {
		for (const url of ['//evil.example/x.pdf', '/\\evil.example']) {
			const parsed = Command.safeParse(command('artifact.add', { kind: 'link', url }));
			expect(parsed.success, url).toBe(false);
			expect(parsed.error?.issues[0]?.message).toBe(
				'links start with http:// or https://, or are a path on this site starting with /'
			);
		}
		expect(Command.safeParse(command('artifact.add', { kind: 'link', url: 'https://northwind.example/fees' })).success).toBe(
			true
		);
	});

	it('saved before this check, render as no link, no picture, no PDF and no recording', () => {
		for (const url of ['//evil.example/x.pdf', '/\\evil.example/x.png', '//evil.example/call.ogg']) {
			for (const kind of ['link', 'document', 'image', 'audio'] as const) {
				const { type: _type, artifactId, ...fields } = command('artifact.add', { kind, url: '/placeholder.png' });
				const saved: Artifact = { id: artifactId, ...fields, url, blobId: null, file: null };
				expect([artifactLink(saved), mediaSource(saved), artifactImage(saved), callAudioUrl(saved)], `${kind} ${url}`).toEqual([
					null,
					null,
					null,
					null
				]);
			}
		}
	});
});
