import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES, DomainEvent } from '../../src/lib/domain';
import { ErrorCode, RETRYABLE_CODES, SERVER_MESSAGES } from '../../src/lib/protocol';
import { PROTOCOL_DOC, protocolMarkdown } from '../../docs/generate-protocol';

describe('docs/protocol.md', () => {
	it('is what the generator writes from the current schemas', async () => {
		const [written, generated] = await Promise.all([readFile(PROTOCOL_DOC, 'utf8').catch(() => ''), protocolMarkdown()]);
		if (written !== generated) {
			expect.fail(
				'docs/protocol.md is out of date with the protocol and domain schemas: run npm run docs:protocol and commit it.'
			);
		}
	}, 60_000);

	it('documents every command, event, server message and error code, and which codes to retry', async () => {
		const doc = await protocolMarkdown();
		for (const type of COMMAND_TYPES) expect(doc).toContain(`### \`${type}\``);
		for (const option of DomainEvent.options) expect(doc).toContain(`### \`${option.shape.type.value}\``);
		for (const name of Object.keys(SERVER_MESSAGES)) expect(doc).toContain(`### \`${name}\``);
		for (const code of ErrorCode.options) {
			expect(doc).toMatch(new RegExp(`\\| \`${code}\` +\\|[^\\n]*\\| ${RETRYABLE_CODES.has(code) ? 'yes' : 'no'} +\\|`));
		}
		expect(doc).toContain('`cr_session`');
		expect(doc).toContain('`__Host-cr_session`');
		expect(doc).toContain('`^[A-Za-z0-9_-]{8,64}$`');
	}, 60_000);
});
