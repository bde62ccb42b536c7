/**
 * The room templates the server offers: every `<id>.json` in the domain's `templates/` folder, read once
 * and checked with the domain's `RoomTemplate` schema, so a room is only ever built from a valid
 * template. A bad file stops the start with a message naming the file and what is wrong in it.
 *
 * Use: `const templates = await loadTemplateCatalogue()`, then `templates.summaries()` for a chooser and
 * `templateCommands(templates.get(id), { roomName, organisation })` to build the room.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RoomTemplate, templateSummary, type TemplateSummary } from '../../src/lib/domain';

/** Where the shipped templates live (shared with the browser's bundle). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../src/lib/domain/templates/', import.meta.url));

export interface TemplateCatalogue {
	/** Every template's summary, by name. */
	summaries(): TemplateSummary[];
	/** The template with this id, if there is one. */
	get(id: string): RoomTemplate | undefined;
}

/** Reads and checks every template in `dir`; throws, naming the file, when one is not a valid template. */
export async function loadTemplateCatalogue(dir: string = TEMPLATES_DIR): Promise<TemplateCatalogue> {
	const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
	const templates = new Map<string, RoomTemplate>();
	for (const file of files) {
		const template = parseTemplateFile(file, await readFile(path.join(dir, file), 'utf8'));
		templates.set(template.id, template);
	}
	const summaries = [...templates.values()].map(templateSummary).sort((a, b) => a.name.localeCompare(b.name, 'en'));
	return {
		summaries: () => summaries.map((s) => structuredClone(s)),
		get: (id) => {
			const template = templates.get(id);
			return template && structuredClone(template);
		}
	};
}

/** A template file's content, checked; `fileName` must be `<id>.json`. */
export function parseTemplateFile(fileName: string, text: string): RoomTemplate {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new Error(`The room template ${fileName} is not valid JSON (${(error as Error).message}). Fix the file or remove it.`, {
			cause: error
		});
	}
	const parsed = RoomTemplate.safeParse(json);
	if (!parsed.success) {
		throw new Error(`The room template ${fileName} is not valid. Fix the file or remove it:\n${z.prettifyError(parsed.error)}`);
	}
	if (`${parsed.data.id}.json` !== fileName) {
		throw new Error(`The room template ${fileName} has the id "${parsed.data.id}": name the file ${parsed.data.id}.json.`);
	}
	return parsed.data;
}
