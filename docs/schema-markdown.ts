/**
 * Turns zod 4's JSON Schema output into markdown field tables for docs/protocol.md: one row per field,
 * nested objects flattened to dotted paths, named types (registered schemas, as `$ref`) linked to their
 * own table, and every limit the schema states (lengths, ranges, patterns, item counts) beside the type.
 */

/** The parts of a JSON Schema node the tables read. */
export interface JsonSchema {
	type?: string | string[];
	$ref?: string;
	const?: unknown;
	enum?: unknown[];
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	additionalProperties?: JsonSchema | boolean;
	items?: JsonSchema;
	prefixItems?: JsonSchema[];
	minLength?: number;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: number;
	exclusiveMaximum?: number;
	minItems?: number;
	maxItems?: number;
	pattern?: string;
	format?: string;
	default?: unknown;
	description?: string;
	$defs?: Record<string, JsonSchema>;
}

/** One row of a field table. */
export interface FieldRow {
	path: string;
	type: string;
	notes: string[];
}

/** Where a named type's table is: an anchor per section, so "sent" and "received" shapes never mix. */
export type RefLink = (name: string) => string;

const code = (text: string) => '`' + text.replace(/`/g, "'") + '`';
const literal = (value: unknown) => code(JSON.stringify(value));
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function range(min: number | undefined, max: number | undefined, unit: string): string {
	if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}${unit}` : `${min}–${max}${unit}`;
	if (max !== undefined) return `≤ ${max}${unit}`;
	if (min !== undefined && min > 0) return `≥ ${min}${unit}`;
	return '';
}

const withLimits = (name: string, ...limits: string[]) => [name, ...limits.filter(Boolean)].join(', ');

/** The nullable alternatives removed, and whether there was one. */
function withoutNull(options: JsonSchema[]): { rest: JsonSchema[]; nullable: boolean } {
	const rest = options.filter((o) => o.type !== 'null');
	return { rest, nullable: rest.length < options.length };
}

/** A one-line description of a node's type and limits (objects say only "object"; their rows follow). */
export function typeText(node: JsonSchema, link: RefLink): string {
	if (node.$ref) return node.$ref === '#' ? 'the same type (recursive)' : `[${refName(node.$ref)}](${link(refName(node.$ref))})`;
	if (node.const !== undefined) return literal(node.const);
	if (node.enum) return node.enum.map(literal).join(' or ');
	const options = node.anyOf ?? node.oneOf;
	if (options) return options.map((o) => typeText(o, link)).join(' or ');
	switch (node.type) {
		case 'string':
			return withLimits(
				node.format ? `string (${node.format})` : 'string',
				range(node.minLength, node.maxLength, ' chars'),
				// A format (date, date-time, email) says in a word what its long pattern says.
				node.pattern && !node.format ? `matching ${code(node.pattern)}` : ''
			);
		case 'integer':
		case 'number': {
			const low = node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : '';
			const high = node.exclusiveMaximum !== undefined ? `< ${node.exclusiveMaximum}` : '';
			// zod's int() states the safe-integer range; only tighter bounds are worth a word.
			const min = node.minimum === -Number.MAX_SAFE_INTEGER ? undefined : node.minimum;
			const max = node.maximum === Number.MAX_SAFE_INTEGER ? undefined : node.maximum;
			const bounds = range(min, max, '') || (min === 0 ? '≥ 0' : '');
			return withLimits(node.type, bounds, low, high);
		}
		case 'array': {
			const count = range(node.minItems, node.maxItems, ' items');
			if (node.prefixItems) return withLimits(`tuple of ${node.prefixItems.map((i) => typeText(i, link)).join(', ')}`);
			return withLimits(`array of ${node.items ? typeText(node.items, link) : 'any'}`, count);
		}
		case 'object':
			if (!node.properties && typeof node.additionalProperties === 'object') {
				return `map of string to ${typeText(node.additionalProperties, link)}`;
			}
			return 'object';
		case 'boolean':
		case 'null':
			return node.type;
		case undefined:
			return 'any JSON value';
		default:
			return Array.isArray(node.type) ? node.type.join(' or ') : String(node.type);
	}
}

/** The object whose fields a node's rows list, if it is one (itself, or the non-null half of a nullable). */
function innerObject(node: JsonSchema): JsonSchema | null {
	if (node.type === 'object' && node.properties) return node;
	const options = node.anyOf ?? node.oneOf;
	if (!options) return null;
	const { rest } = withoutNull(options);
	return rest.length === 1 && rest[0] ? innerObject(rest[0]) : null;
}

/** The field rows of an object node, nested objects flattened (`patch.name`, `points[].value`). */
export function fieldRows(node: JsonSchema, link: RefLink, prefix = ''): FieldRow[] {
	const rows: FieldRow[] = [];
	const required = new Set(node.required ?? []);
	for (const [name, field] of Object.entries(node.properties ?? {})) {
		const path = prefix + name;
		const notes: string[] = [];
		if (!required.has(name)) notes.push('optional');
		if (field.default !== undefined) notes.push(`default ${literal(field.default)}`);
		if (field.description) notes.push(field.description);
		rows.push({ path, type: typeText(field, link), notes });
		rows.push(...nestedRows(field, link, path));
	}
	return rows;
}

/** Rows for what a field holds inside: an object's fields, an array's objects, variants of a union. */
function nestedRows(field: JsonSchema, link: RefLink, path: string): FieldRow[] {
	const inner = innerObject(field);
	if (inner) return fieldRows(inner, link, `${path}.`);
	if (field.type === 'array' && field.items) {
		const item = innerObject(field.items);
		if (item) return fieldRows(item, link, `${path}[].`);
	}
	if (field.type === 'object' && typeof field.additionalProperties === 'object') {
		const value = innerObject(field.additionalProperties);
		if (value) return fieldRows(value, link, `${path}.<key>.`);
	}
	const options = field.anyOf ?? field.oneOf;
	if (options && withoutNull(options).rest.length > 1) {
		return withoutNull(options).rest.flatMap((option, i) => {
			const object = innerObject(option);
			return object ? fieldRows(object, link, `${path} (${variantName(object, i)}).`) : [];
		});
	}
	return [];
}

/** A union variant's name: its discriminator's value (a string one before `ok`), else its position. */
function variantName(object: JsonSchema, index: number): string {
	const constants = Object.entries(object.properties ?? {}).filter(([, field]) => field.const !== undefined);
	const [key, field] = constants.find(([, f]) => typeof f.const === 'string') ?? constants[0] ?? [];
	return key && field ? `${key} = ${JSON.stringify(field.const)}` : `variant ${index + 1}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A markdown table of an object's fields, or a sentence when it has none besides `skip`. */
export function fieldTable(node: JsonSchema, link: RefLink, skip: readonly string[] = []): string {
	const object = innerObject(node);
	if (!object) {
		const options = node.anyOf ?? node.oneOf;
		if (options) {
			return options
				.map((option, i) => {
					const inner = innerObject(option);
					const lead = i === 0 ? 'Either' : 'Or';
					if (!inner) return `${lead} ${typeText(option, link)}.`;
					return `${lead}, with ${code(variantName(inner, i))}:\n\n${fieldTable(inner, link, skip)}`;
				})
				.join('\n\n');
		}
		return typeText(node, link);
	}
	const rows = fieldRows(object, link).filter((r) => !skip.includes(r.path));
	if (rows.length === 0) return skip.length ? `No fields besides ${skip.map(code).join(', ')}.` : 'No fields.';
	const lines = rows.map((r) => `| ${code(r.path)} | ${cell(r.type)} | ${cell(r.notes.join('; '))} |`);
	return ['| field | type and limits | notes |', '| --- | --- | --- |', ...lines].join('\n');
}
