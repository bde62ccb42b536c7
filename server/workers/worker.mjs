// The entry point of every pool thread. Plain JavaScript, so a thread starts the same whether the
// server runs under tsx, inside Vite (dev) or inside vitest: tsx's scoped import loads the TypeScript
// tasks without changing how anything else in the thread loads.
import { tsImport } from 'tsx/esm/api';

/** @type {typeof import('./tasks.ts')} */
const { TASKS } = await tsImport('./tasks.ts', import.meta.url);

/**
 * Runs one task: `{ task, input, port }`, where `port` (if any) carries the task's progress messages.
 * @param {{ task: keyof typeof TASKS, input: never, port?: import('node:worker_threads').MessagePort }} job
 */
export default async function run({ task, input, port }) {
	const work = TASKS[task];
	if (!work) throw new Error(`There is no worker task "${String(task)}".`);
	try {
		return await work(input, (message) => port?.postMessage(message));
	} finally {
		port?.close();
	}
}
