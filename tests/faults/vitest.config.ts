/**
 * `npm run test:faults`: the fault suite's long schedules (FAULTS=long), on the project's own Vite config
 * (Svelte runes in the RoomStore, `$lib` paths). The short schedules run in `npm test` with everything else.
 */
import { defineConfig } from 'vitest/config';
import project from '../../vite.config';

// The fault suite is one run of its own, file after file: not the main config's projects.
const { projects: _projects, ...shared } = project.test ?? {};

export default defineConfig({
	...project,
	test: {
		...shared,
		include: ['tests/faults/**/*.test.ts'],
		fileParallelism: false,
		env: { FAULTS: 'long' },
		testTimeout: 900_000
	}
});
