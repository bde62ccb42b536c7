/**
 * Dependency pins that carry a security fix: the lockfile is what `npm ci` installs, so it is checked,
 * not package.json alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
	version?: string;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
	packages: Record<string, LockEntry>;
};

/** Every installed copy of a package, by its path in node_modules. */
function copies(name: string): Array<[string, string]> {
	return Object.entries(lock.packages)
		.filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
		.map(([path, entry]) => [path, entry.version ?? '']);
}

describe('dependencies', () => {
	it('installs one copy of cookie, at 0.7.0 or later (GHSA-pxg6-pf52-xh8x), shared with SvelteKit and engine.io', () => {
		const found = copies('cookie');
		expect(found).toHaveLength(1);
		const [major, minor] = found[0]![1].split('.').map(Number);
		expect(major! > 0 || minor! >= 7, `cookie ${found[0]![1]} is below 0.7.0`).toBe(true);
	});
});
