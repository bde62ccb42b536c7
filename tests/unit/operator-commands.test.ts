/**
 * `npm run admin`'s commands, in-process on a real embedded store (a temp data dir): random argument
 * lists either do what they say or are refused with a sentence (an `OperatorError`), and a refusal prints
 * nothing on stdout and leaves the store as it was. The child-process runs, on both stores, are in
 * tests/integration/admin-cli.test.ts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { COMMANDS, OperatorError, type OperatorContext } from '../../server/operator/commands';
import { openOperatorStore, type OperatorStore } from '../../server/operator/operator-store';
import type { PasswordInput } from '../../server/operator/password-input';
import { encodeMeta } from '../../server/store/file/room-files';
import { tempDir } from '../support/temp-dir';

let dataDir: string;
let cleanup: () => Promise<void>;
let store: OperatorStore;

beforeAll(async () => {
	const tmp = await tempDir();
	dataDir = tmp.dir;
	cleanup = tmp.cleanup;
	// A room as the event store leaves it on disk: grant and link look for its folder.
	await mkdir(path.join(dataDir, 'rooms', 'demo'), { recursive: true });
	await writeFile(path.join(dataDir, 'rooms', 'demo', 'meta.json'), encodeMeta('e1'));
	store = await openOperatorStore(loadConfig({ DATA_DIR: dataDir }));
});
afterAll(async () => {
	store?.close();
	await cleanup?.();
});

/** Runs a command as the entry does; answers what it printed, or the refusal. */
async function run(args: string[], password: PasswordInput = { ok: true, password: 'plum orchard lantern' }) {
	const out: string[] = [];
	const said: string[] = [];
	const ctx: OperatorContext = {
		config: loadConfig({ DATA_DIR: dataDir }),
		store: async () => store,
		out: (text) => out.push(text),
		say: (text) => said.push(text),
		readPassword: async () => password
	};
	const command = COMMANDS.find((c) => c.name === args[0]);
	if (!command) throw new Error(`no command ${args[0]}`);
	try {
		await command.run(args.slice(1), ctx);
		return { ok: true as const, out, said };
	} catch (error) {
		return { ok: false as const, out, said, error };
	}
}

const accessFile = () => readFile(path.join(dataDir, 'access.json'), 'utf8').catch(() => '');

describe('operator commands', () => {
	it('make an admin who is then listed, granted a role, and given a reset link', async () => {
		expect((await run(['create-admin', '--name', 'Ada', '--login', 'ada'])).ok).toBe(true);
		expect((await store.access.accounts.byLogin('ada'))?.instanceAdmin).toBe(true);
		expect((await run(['grant', 'ada', 'demo', 'viewer'])).ok).toBe(true);
		expect((await store.access.accounts.byLogin('ada'))?.memberships.demo?.role).toBe('viewer');
		const reset = await run(['reset-password', 'ada']);
		expect(reset.out[0]).toMatch(/\/reset#[A-Za-z0-9_-]{43}$/);
		expect((await run(['list-people'])).out[0]).toMatch(/Ada\s+ada\s+admin\s+never\s+demo \(viewer\)/);
	});

	it('refuse any other arguments with a sentence, printing nothing on stdout and changing nothing', async () => {
		const token = fc.constantFrom(
			'ada',
			'ADA',
			'nobody',
			'demo',
			'../demo',
			'no-such-room',
			'viewer',
			'facilitator',
			'boss',
			'--name',
			'--login',
			'--role',
			'-x',
			'',
			' ',
			'a@b',
			'ben@example.com',
			'x'.repeat(300),
			'Ben'
		);
		const password = fc.oneof(
			fc.string({ maxLength: 30 }).map((p): PasswordInput => ({ ok: true, password: p })),
			fc.constant<PasswordInput>({ ok: false, message: 'Cancelled; nothing was changed.' })
		);
		const seen = { done: 0, refused: 0 };
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...COMMANDS.map((c) => c.name)),
				fc.array(token, { maxLength: 6 }),
				password,
				async (name, args, typed) => {
					const before = await accessFile();
					const result = await run([name, ...args], typed);
					if (result.ok) return void seen.done++;
					seen.refused++;
					expect(result.error).toBeInstanceOf(OperatorError);
					expect((result.error as Error).message.length).toBeGreaterThan(10);
					expect(result.out).toEqual([]);
					expect(await accessFile()).toBe(before);
				}
			),
			{ numRuns: 300, seed: 16 }
		);
		// Both sides were exercised: some runs did something, most were refused.
		expect(seen.done).toBeGreaterThan(10);
		expect(seen.refused).toBeGreaterThan(100);
	});
});
