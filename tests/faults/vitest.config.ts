/**
 * `npm run test:faults`: the fault suite's long schedules (FAULTS=long), on the project's own Vite config
 * (Svelte runes in the RoomStore, `$lib` paths). The short schedules run in `npm test` with everything else.
 */
import { defineConfig } from 'vitest/config';
import project from '../../vite.config';

export default defineConfig({
	...project,
	test: {
		...project.test,
		include: ['tests/faults/**/*.test.ts'],
		env: { FAULTS: 'long' },
		testTimeout: 900_000
	}
});
