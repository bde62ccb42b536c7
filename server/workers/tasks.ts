/**
 * Everything the worker pool can run, by name. A task is a function of plain data (anything the
 * structured clone algorithm copies: no class instances, no functions) that may report progress and
 * returns plain data; expected failures are part of its answer, since a thrown error reaches the caller
 * as a bare message. To add one (a restore's parse, a classification), export it from its feature's
 * module and name it here.
 */
import { inspectImportFile, readImportFile } from '../imports/import-tasks';
import { findPhrasesTask } from '../text/phrases-task';

export const TASKS = {
	'imports.inspect': inspectImportFile,
	'imports.read': readImportFile,
	'phrases.find': findPhrasesTask
} satisfies Record<string, (input: never, progress: never) => unknown>;

type Tasks = typeof TASKS;
export type TaskName = keyof Tasks;
export type TaskInput<K extends TaskName> = Parameters<Tasks[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<Tasks[K]>>;
/** What a task reports along the way (never for a task that takes no progress callback). */
export type TaskProgress<K extends TaskName> = Tasks[K] extends (input: never, progress: (message: infer P) => void) => unknown
	? P
	: never;
