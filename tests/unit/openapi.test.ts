/**
 * The HTTP API's OpenAPI document: valid OpenAPI 3.1 by an independent validator (`@readme/openapi-parser`),
 * one operation per entry of the code's list, and the client types the tests use generated from it now
 * (tests/support/api-v1.d.ts), so code, document and client cannot drift apart.
 */
import { readFile } from 'node:fs/promises';
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { openApiDocument, referencePage } from '../../server/api/openapi';
import { OPERATIONS } from '../../server/api/operations';
import { API_TYPES_FILE, apiTypes } from '../support/api-types';

describe('the OpenAPI document', () => {
	it('is valid OpenAPI 3.1', async () => {
		const result = await validate(structuredClone(openApiDocument()) as never);
		expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
		expect(openApiDocument().openapi).toBe('3.1.0');
	});

	it('describes every operation the server routes, with its scope and the one error shape', () => {
		const paths = openApiDocument().paths as Record<
			string,
			Record<string, { operationId: string; description: string; responses: Record<string, unknown> }>
		>;
		const documented = Object.values(paths).flatMap((methods) => Object.values(methods));
		expect(documented.map((op) => op.operationId).sort()).toEqual(OPERATIONS.map((op) => op.id).sort());
		for (const op of OPERATIONS) {
			const entry = paths[op.path]![op.method.toLowerCase()]!;
			expect(entry.description).toContain(`Scope: \`${op.scope}\``);
			expect(entry.responses['401']).toEqual(
				expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } })
			);
		}
	});

	it('describes each item of a batch, and the batch’s other arrays as they are', () => {
		const body = (
			openApiDocument().paths as Record<
				string,
				Record<
					string,
					{
						requestBody: {
							content: {
								'application/json': {
									schema: { properties: Record<string, { items: { properties: Record<string, unknown> } }> };
								};
							};
						};
					}
				>
			>
		)['/rooms/{roomId}/complaints']!.post!.requestBody.content['application/json'].schema;
		expect(Object.keys(body.properties.rows!.items.properties)).toEqual(expect.arrayContaining(['date', 'category', 'fields']));
		expect(Object.keys(body.properties.stageRules!.items.properties)).toEqual(['field', 'op', 'value', 'stageId']);
	});

	it('the client types in the tests are the ones the document gives now (npm run api:types)', async () => {
		expect(await readFile(API_TYPES_FILE, 'utf8'), 'run npm run api:types').toBe(await apiTypes());
	});

	it('the reference page lists every operation', () => {
		const page = referencePage(openApiDocument());
		for (const op of OPERATIONS) expect(page).toContain(`${op.method} /api/v1${op.path}`);
	});
});
