/**
 * The OpenAPI 3.1 document of the HTTP API, generated from `OPERATIONS` and their zod schemas (zod 4's
 * JSON Schema output, draft 2020-12, which OpenAPI 3.1 uses), never written by hand; and a readable
 * reference page made from the same document.
 */
import { z } from 'zod';
import { ErrorCode, RETRYABLE_CODES } from '../../src/lib/protocol';
import { API_SCOPES } from './api-keys';
import { OPERATIONS, pathParameters } from './operations';
import { ApiError } from './schemas';

type JsonSchema = Record<string, unknown>;

/** A schema as JSON Schema: what a client sends (`input`) or receives (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
	const out = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
	delete out.$schema;
	return out;
}

const ERROR_STATUSES: Record<string, string> = {
	'400': 'The request is not valid (`invalid_payload`).',
	'401': 'No API key, or one that does not work (`unauthenticated`).',
	'403': 'The key belongs to another room, or lacks the scope (`forbidden`).',
	'404': 'No such room (`unknown_room`) or thing (`not_found`).',
	'409': 'It exists already (`conflict`).',
	'422': 'It breaks a rule of the room (`rule_violation`), such as its storage quota.',
	'429': 'Too many requests for this key (`rate_limited`): wait Retry-After seconds.',
	'503': 'The store is away for a moment (`unavailable`): send again.'
};

/** The whole document. */
export function openApiDocument(serverUrl = '/api/v1'): JsonSchema {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const op of OPERATIONS) {
		const parameters: unknown[] = pathParameters(op.path).map((name) => ({
			name,
			in: 'path',
			required: true,
			schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }
		}));
		if ('query' in op && op.query) {
			const query = jsonSchema(op.query, 'input') as { properties: Record<string, JsonSchema>; required?: string[] };
			for (const [name, schema] of Object.entries(query.properties))
				parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
		}
		let requestBody: unknown;
		if ('body' in op && op.body) {
			const body = jsonSchema(op.body, 'input');
			// A batch's array is checked item by item: the document says what each item is.
			if ('items' in op && op.items) {
				const properties = body.properties as Record<string, JsonSchema>;
				for (const property of Object.values(properties)) {
					const items = property.items as JsonSchema | undefined;
					// The batch's own array is the one of unknown items (`z.array(z.unknown())`).
					if (property.type === 'array' && items && Object.keys(items).length === 0)
						property.items = jsonSchema(op.items, 'input');
				}
			}
			requestBody = { required: true, content: { 'application/json': { schema: body } } };
		} else if ('file' in op && op.file) {
			requestBody = {
				required: true,
				content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
			};
		}
		const errors = Object.fromEntries(
			Object.entries(ERROR_STATUSES).map(([status, description]) => [
				status,
				{ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
			])
		);
		paths[op.path] ??= {};
		paths[op.path]![op.method.toLowerCase()] = {
			operationId: op.id,
			summary: op.summary,
			description: `${op.description}\n\nScope: \`${op.scope}\`.`,
			tags: [op.path.split('/')[3] ?? 'rooms'],
			security: [{ apiKey: [] }],
			parameters,
			...(requestBody ? { requestBody } : {}),
			responses: {
				[String(op.status)]: {
					description: op.status === 201 ? 'Created.' : 'Done.',
					content: { 'application/json': { schema: jsonSchema(op.response, 'output') } }
				},
				...errors
			}
		};
	}
	return {
		openapi: '3.1.0',
		info: {
			title: 'Customer Room API',
			version: '1.0.0',
			description: [
				'Read a room and push data into it from other systems. Every change goes through the room as commands: walls update live, and every change names the API key that made it.',
				'',
				`Authenticate with an API key made under Access → API keys: \`Authorization: Bearer cr_…\`. Scopes: ${API_SCOPES.map((s) => `\`${s}\``).join(', ')}.`,
				'',
				`Errors have one shape (\`Error\`), with the closed list of codes the socket uses (${ErrorCode.options.map((c) => `\`${c}\``).join(', ')}) and \`retryable\`: ${[...RETRYABLE_CODES].map((c) => `\`${c}\``).join(', ')} may be sent again; pushes are keyed, so sending again never counts twice.`
			].join('\n')
		},
		servers: [{ url: serverUrl }],
		paths,
		components: {
			securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: cr_ and 43 characters.' } },
			schemas: { Error: jsonSchema(ApiError, 'output') }
		}
	};
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Lists a schema's fields (one level, with nested objects shown as JSON Schema). */
function fields(schema: JsonSchema | undefined): string {
	const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
	const required = new Set((schema?.required as string[] | undefined) ?? []);
	const rows = Object.entries(properties).map(([name, p]) => {
		const type = Array.isArray(p.type) ? p.type.join(' or ') : String(p.type ?? (p.anyOf ? 'one of several' : 'object'));
		const note = typeof p.description === 'string' ? p.description : '';
		const detail =
			p.type === 'array' && p.items ? `<details><summary>each item</summary>${fields(p.items as JsonSchema)}</details>` : '';
		return `<tr><td><code>${escape(name)}</code>${required.has(name) ? '' : ' <small>(optional)</small>'}</td><td>${escape(type)}</td><td>${escape(note)}${detail}</td></tr>`;
	});
	return rows.length
		? `<table><thead><tr><th>field</th><th>type</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
		: '';
}

/** The reference page: every operation with its scope, fields and answers, made from the document. */
export function referencePage(document: JsonSchema): string {
	const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
	const sections: string[] = [];
	for (const [path, methods] of Object.entries(paths)) {
		for (const [method, op] of Object.entries(methods)) {
			const body = (op.requestBody as { content: Record<string, { schema: JsonSchema }> } | undefined)?.content[
				'application/json'
			]?.schema;
			const query = ((op.parameters as Array<{ in: string; name: string; schema: JsonSchema; required: boolean }>) ?? []).filter(
				(p) => p.in === 'query'
			);
			const ok = Object.entries(op.responses as Record<string, { content?: Record<string, { schema: JsonSchema }> }>).find(
				([s]) => s.startsWith('2')
			);
			sections.push(`<section id="${escape(String(op.operationId))}">
<h2>${escape(String(op.summary))}</h2>
<p><code class="route">${method.toUpperCase()} /api/v1${escape(path)}</code></p>
<p>${escape(String(op.description))
				.replace(/\n\n/g, '</p><p>')
				.replace(/`([^`]+)`/g, '<code>$1</code>')}</p>
${body ? `<h3>Body</h3>${fields(body)}` : ''}
${query.length ? `<h3>Query</h3><table><tbody>${query.map((q) => `<tr><td><code>${escape(q.name)}</code>${q.required ? '' : ' <small>(optional)</small>'}</td><td>${escape(String(q.schema.type ?? ''))}</td></tr>`).join('')}</tbody></table>` : ''}
${ok ? `<h3>Answer ${ok[0]}</h3>${fields(ok[1].content?.['application/json']?.schema)}` : ''}
</section>`);
		}
	}
	const info = document.info as { title: string; description: string };
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(info.title)} · reference</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}code{background:#f2f2f2;padding:0 .2em;border-radius:3px}.route{font-size:1.1em;font-weight:600}table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}section{border-top:2px solid #ddd;margin-top:2rem}details{margin-top:.3rem}</style></head>
<body><h1>${escape(info.title)}</h1><p>${escape(info.description)
		.replace(/\n\n/g, '</p><p>')
		.replace(/`([^`]+)`/g, '<code>$1</code>')}</p>
<p>The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
<nav><ul>${
		sections.length
			? Object.values(paths)
					.flatMap((m) => Object.values(m))
					.map((op) => `<li><a href="#${escape(String(op.operationId))}">${escape(String(op.summary))}</a></li>`)
					.join('')
			: ''
	}</ul></nav>
${sections.join('\n')}</body></html>`;
}
