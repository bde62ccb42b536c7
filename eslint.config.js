// ESLint flat config: JavaScript and TypeScript recommended rules, Svelte 5 components, one set for
// the browser (src/) and the server and tests (Node). Formatting is Prettier's job, not ESLint's. Two rules are
// off, each for the reason given beside it.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'static/', 'tests/bench/results/', 'test-results/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig }
		}
	},
	{
		rules: {
			// Unused names are errors, except a leading underscore that says "deliberately unused".
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			// The app is served at the site's root (no `paths.base`), and every room link is built by one helper
			// per kind of page; resolve() exists for apps under a base path, which this one never is.
			'svelte/no-navigation-without-resolve': 'off',
			// `{' · '}` keeps a separator's spaces at the edge of an {#if} block, where Svelte trims plain text.
			'svelte/no-useless-mustaches': 'off'
		}
	}
);
