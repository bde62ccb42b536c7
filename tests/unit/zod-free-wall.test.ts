// The wall must not load the schema library (README, "The wall"): a TV parses and compiles every byte of
// script it is sent. What folds events on the wall (evolve) and what lays out its columns (stage-view,
// wall-data, artifact-view) may import zod-free modules only. A value import of '$lib/domain' (whose
// index re-exports the zod schemas) or of model.ts slipped into evolve once and cost every TV 124 kB.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const ENTRIES = [
	// The wall page itself, and through it every component it shows.
	'src/lib/components/wall/wall-view.svelte',
	'src/lib/domain/evolve.ts',
	'src/lib/components/board/stage-view.ts',
	'src/lib/components/wall/wall-data.ts',
	'src/lib/components/wall/artifact-view.ts',
	'src/lib/client/wall/options.ts',
	'src/lib/client/wall/playlist.ts',
	'src/lib/client/wall/on-hours.ts',
	'src/lib/client/wall/screen-link.svelte.ts'
];

/** Files reached through value imports (type-only imports are erased), with the specifiers that left the repo. */
function valueImports(entry: string): { files: string[]; packages: string[]; via: Map<string, string> } {
	const via = new Map<string, string>();
	const files = new Set<string>();
	const packages = new Set<string>();
	const visit = (file: string) => {
		if (files.has(file)) return;
		files.add(file);
		const source = readFileSync(path.join(ROOT, file), 'utf8');
		for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s*'([^']+)'/gm)) {
			if (m[2]) continue;
			const names = m[3]!;
			// `import { type A, type B } from` imports nothing at run time either (written as import type here).
			if (
				/^\{[^}]*\}$/.test(names.trim()) &&
				names
					.replace(/[{}]/g, '')
					.split(',')
					.every((n) => /^type\s/.test(n.trim()) || n.trim() === '')
			)
				continue;
			const spec = m[4]!;
			const resolved = spec.startsWith('$lib/')
				? path.join('src/lib', spec.slice(5))
				: spec.startsWith('.')
					? path.join(path.dirname(file), spec)
					: null;
			if (!resolved) {
				packages.add(spec);
				continue;
			}
			const candidate = [resolved, `${resolved}.ts`, path.join(resolved, 'index.ts')].find(
				(c) => existsSync(path.join(ROOT, c)) && (c.endsWith('.ts') || c.endsWith('.svelte'))
			);
			if (candidate && !via.has(candidate)) via.set(candidate, file);
			if (candidate) visit(candidate);
		}
	};
	visit(entry);
	return { files: [...files], packages: [...packages], via };
}

describe('the wall stays free of the schema library', () => {
	it.each(ENTRIES)('%s reaches no zod, and not the schemas', (entry) => {
		const { files, packages, via } = valueImports(entry);
		// The chain that reached the schemas, for the failure message.
		const chain = (file: string) => {
			const steps = [file];
			while (via.has(steps[0]!)) steps.unshift(via.get(steps[0]!)!);
			return steps.join(' -> ');
		};
		expect(packages).not.toContain('zod');
		for (const file of ['src/lib/domain/model.ts', 'src/lib/domain/index.ts']) if (files.includes(file)) expect.fail(chain(file));
	});
});
