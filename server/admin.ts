/**
 * The operator's recovery tool: `npm run admin -- <command>` (`--help` lists them: create-admin,
 * reset-password, grant, list-rooms, list-people, setup-link, link). It opens the same store as the
 * server (the data dir's access.json, or Redis with REDIS_URL), so it works while the server runs.
 *
 * Links carry a secret: they are printed on stdout and nowhere else (keep them private); what happened is
 * said on stderr. Links name the server by HOST and PORT; behind a proxy, open the same path on the
 * public address. Any refusal says why on stderr and exits with 1, having changed nothing.
 */
import { COMMANDS, helpText, OperatorError, type OperatorContext } from './operator/commands';
import { openOperatorStore, type OperatorStore } from './operator/operator-store';
import { readNewPassword } from './operator/password-input';
import { loadConfig } from './config';

async function main(args: string[]): Promise<number> {
	const [name, ...rest] = args;
	if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(`${helpText()}\n`);
		return name === undefined ? 1 : 0;
	}
	const command = COMMANDS.find((c) => c.name === name);
	if (!command) throw new OperatorError(`There is no command "${name}".\n\n${helpText()}`);
	if (rest.includes('--help') || rest.includes('-h')) {
		process.stdout.write(`Usage: npm run admin -- ${command.usage}\n${command.summary}\n`);
		return 0;
	}
	const config = loadConfig();
	let opened: Promise<OperatorStore> | null = null;
	const ctx: OperatorContext = {
		config,
		store: () => (opened ??= openOperatorStore(config)),
		out: (text) => process.stdout.write(`${text}\n`),
		say: (text) => process.stderr.write(`${text}\n`),
		readPassword: readNewPassword
	};
	try {
		await command.run(rest, ctx);
		return 0;
	} finally {
		if (opened) (await (opened as Promise<OperatorStore>).catch(() => null))?.close();
	}
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(
			error instanceof OperatorError ? `${error.message}\n` : `admin: ${error instanceof Error ? error.message : String(error)}\n`
		);
		process.exit(1);
	}
);
