/**
 * The commands of `npm run admin` (server/admin.ts is the entry). Each checks its arguments before it
 * changes anything, and fails with an `OperatorError`: a sentence saying what is wrong and what to do.
 * Links (they carry a secret) go to stdout alone, so a script can take them; everything else to stderr.
 */
import { parseArgs } from 'node:util';
import { Id, Role } from '../../src/lib/domain';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords';
import type { Config } from '../config';
import { parseLogin, type Account } from '../people/accounts';
import type { OperatorStore } from './operator-store';
import type { PasswordInput } from './password-input';

/** A refusal the operator can act on; the entry prints it and exits with 1. */
export class OperatorError extends Error {}

export interface OperatorContext {
	config: Config;
	/** Opened on first use, so `--help` and bad arguments need no store. */
	store(): Promise<OperatorStore>;
	/** Standard output: links and lists. */
	out(text: string): void;
	/** Standard error: what happened, in words. */
	say(text: string): void;
	/** A new password: typed on the terminal, or from a pipe (password-input.ts). */
	readPassword(): Promise<PasswordInput>;
}

export interface OperatorCommand {
	name: string;
	usage: string;
	summary: string;
	run(args: string[], ctx: OperatorContext): Promise<void>;
}

/** Where the server answers, for the links printed (behind a proxy, open the same path on the public address). */
export const originOf = (config: Config) =>
	`http://${['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host}:${config.port}`;

function parse(command: OperatorCommand, args: string[], options: Record<string, { type: 'string' }> = {}) {
	try {
		return parseArgs({ args, options, allowPositionals: true, strict: true });
	} catch (error) {
		throw new OperatorError(
			`${error instanceof Error ? error.message : String(error)}\nUsage: npm run admin -- ${command.usage}`
		);
	}
}

function positionals(command: OperatorCommand, args: string[], count: number): string[] {
	const { positionals: found } = parse(command, args);
	if (found.length !== count) throw new OperatorError(`Usage: npm run admin -- ${command.usage}`);
	return found;
}

async function roomIdOf(ctx: OperatorContext, value: string): Promise<string> {
	const roomId = Id.safeParse(value);
	if (!roomId.success) throw new OperatorError(`"${value}" is not a room id (letters, digits, - and _).`);
	if (!(await (await ctx.store()).hasRoom(roomId.data)))
		throw new OperatorError(
			`There is no room "${roomId.data}" in this store. Check DATA_DIR or REDIS_URL, and the room id in the room's address (npm run admin -- list-rooms).`
		);
	return roomId.data;
}

async function accountOf(ctx: OperatorContext, login: string): Promise<Account> {
	const account = await (await ctx.store()).access.accounts.byLogin(login);
	if (!account) throw new OperatorError(`No account signs in as "${login}". See who has one with: npm run admin -- list-people`);
	return account;
}

const loginOf = (a: Account) => a.email ?? a.username ?? '(single sign-on)';

/** Lines of aligned columns. */
function table(rows: string[][]): string {
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
	return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

const link: OperatorCommand = {
	name: 'link',
	usage: 'link <roomId>',
	summary: "prints a fresh facilitator link for a room (the room's previous one stops working)",
	async run(args, ctx) {
		const [roomArg] = positionals(this, args, 1);
		const roomId = await roomIdOf(ctx, roomArg!);
		const token = await (await ctx.store()).access.rotateInvite(roomId, 'facilitator');
		ctx.out(`${originOf(ctx.config)}/join#${token}`);
		ctx.say('A new facilitator link (the previous one no longer works). Keep it private.');
	}
};

const setupLink: OperatorCommand = {
	name: 'setup-link',
	usage: 'setup-link',
	summary: 'prints a one-time link that makes whoever opens it an instance admin',
	async run(args, ctx) {
		positionals(this, args, 0);
		const token = await (await ctx.store()).access.makeSetupToken(true);
		ctx.out(`${originOf(ctx.config)}/setup#${token}`);
		ctx.say('A one-time setup link: whoever opens it first becomes an instance admin. Keep it private.');
	}
};

const createAdmin: OperatorCommand = {
	name: 'create-admin',
	usage: 'create-admin --name <name> --login <e-mail or user name>',
	summary: 'makes an instance admin account; asks for its password (or reads it from stdin)',
	async run(args, ctx) {
		const { values, positionals: extra } = parse(this, args, { name: { type: 'string' }, login: { type: 'string' } });
		const name = values.name?.trim() ?? '';
		const login = values.login?.trim().toLowerCase() ?? '';
		if (extra.length || !name || !login) throw new OperatorError(`Usage: npm run admin -- ${this.usage}`);
		if (name.length > 60) throw new OperatorError('A name is at most 60 characters.');
		const parsed = parseLogin(login);
		if ('error' in parsed) throw new OperatorError(parsed.error);
		const store = await ctx.store();
		// Checked before the password is asked for, so a taken login costs no typing.
		if (await store.access.accounts.byLogin(login))
			throw new OperatorError(
				`An account already signs in as ${login}. To give it a new password: npm run admin -- reset-password ${login}`
			);
		const input = await ctx.readPassword();
		if (!input.ok) throw new OperatorError(input.message);
		const policy = checkPasswordPolicy(input.password, {
			name,
			email: 'email' in parsed ? parsed.email : null,
			username: 'username' in parsed ? parsed.username : null
		});
		if (!policy.ok) throw new OperatorError(`${policy.message} Nothing was changed.`);
		const made = await store.access.accounts.create({
			name,
			login,
			passwordHash: await hashPassword(input.password),
			instanceAdmin: true
		});
		if (!made.ok) throw new OperatorError(made.message);
		// The server no longer offers the setup link at start: an admin exists.
		await store.access.noteInstanceAdmin(made.account.id);
		const subject = { id: made.account.id, name: made.account.name, kind: 'person' as const };
		await store.access.trail.record({
			action: 'account_created',
			roomId: null,
			actor: { id: 'admin-cli', name: 'The operator (npm run admin)', kind: 'admin-cli' as const },
			subject
		});
		await store.access.trail.record({
			action: 'admin_granted',
			roomId: null,
			actor: { id: 'admin-cli', name: 'The operator (npm run admin)', kind: 'admin-cli' as const },
			subject,
			role: 'admin'
		});
		ctx.say(`${name} is an instance admin now. They sign in at ${originOf(ctx.config)}/sign-in as ${login}.`);
	}
};

const resetPassword: OperatorCommand = {
	name: 'reset-password',
	usage: 'reset-password <e-mail or user name>',
	summary: 'prints a one-time link (24 hours) with which the person chooses a new password',
	async run(args, ctx) {
		const [login] = positionals(this, args, 1);
		const account = await accountOf(ctx, login!);
		const store = await ctx.store();
		const made = await store.invitations.makeReset(account.id);
		await store.access.trail.record({
			action: 'password_reset_requested',
			roomId: null,
			actor: { id: 'admin-cli', name: 'The operator (npm run admin)', kind: 'admin-cli' as const },
			subject: { id: account.id, name: account.name, kind: 'person' },
			detail: 'a reset link printed by the operator'
		});
		ctx.out(`${originOf(ctx.config)}/reset#${made.token}`);
		ctx.say(
			`A one-time reset link for ${account.name}, working until ${made.expiresAt}. Hand it to them privately; using it signs them out everywhere.`
		);
	}
};

const grant: OperatorCommand = {
	name: 'grant',
	usage: 'grant <e-mail or user name> <roomId> <facilitator|contributor|viewer>',
	summary: 'gives a person a role in a room (replacing the role they had)',
	async run(args, ctx) {
		const [login, roomArg, roleArg] = positionals(this, args, 3);
		const role = Role.safeParse(roleArg);
		if (!role.success) throw new OperatorError(`"${roleArg}" is not a role: use facilitator, contributor or viewer.`);
		const account = await accountOf(ctx, login!);
		const roomId = await roomIdOf(ctx, roomArg!);
		const before = account.memberships[roomId]?.role ?? null;
		await (
			await ctx.store()
		).access.accounts.grant(account.id, roomId, role.data, 'granted', { by: 'the operator', replace: true });
		await (
			await ctx.store()
		).access.trail.record({
			action: before ? 'role_changed' : 'member_added',
			roomId,
			actor: { id: 'admin-cli', name: 'The operator (npm run admin)', kind: 'admin-cli' as const },
			subject: { id: account.id, name: account.name, kind: 'person' },
			role: role.data,
			fromRole: before ?? null
		});
		ctx.say(
			before === role.data
				? `${account.name} already was ${role.data} in ${roomId}; nothing changed.`
				: `${account.name} is ${role.data} in ${roomId} now${before ? ` (was ${before})` : ''}. It counts from their next page or reconnection.`
		);
	}
};

const listRooms: OperatorCommand = {
	name: 'list-rooms',
	usage: 'list-rooms',
	summary: 'lists every room: its id, name and organisation',
	async run(args, ctx) {
		positionals(this, args, 0);
		const store = await ctx.store();
		const rooms = await store.rooms();
		if (rooms.length === 0) return ctx.say(`There are no rooms in ${store.where}.`);
		ctx.out(
			table([
				['ID', 'NAME', 'ORGANISATION'],
				...rooms.map((r) => [r.id, r.archived ? `${r.name} (archived)` : r.name, r.organisation || '-'])
			])
		);
	}
};

const listPeople: OperatorCommand = {
	name: 'list-people',
	usage: 'list-people',
	summary: 'lists every account: name, login, admin or not, rooms with roles, last seen',
	async run(args, ctx) {
		positionals(this, args, 0);
		const store = await ctx.store();
		const people = await store.access.accounts.all();
		if (people.length === 0)
			return ctx.say(
				`There are no accounts in ${store.where}. Make one: npm run admin -- create-admin --name <name> --login <login>`
			);
		ctx.out(
			table([
				['NAME', 'LOGIN', 'ADMIN', 'LAST SEEN', 'ROOMS'],
				...people.map((p) => [
					p.name,
					loginOf(p),
					p.instanceAdmin ? 'admin' : '-',
					p.lastSeenAt ?? 'never',
					Object.entries(p.memberships)
						.map(([roomId, m]) => `${roomId} (${m.role})`)
						.join(', ') || '-'
				])
			])
		);
	}
};

export const COMMANDS: readonly OperatorCommand[] = [createAdmin, resetPassword, grant, listRooms, listPeople, setupLink, link];

/** `--help`: every command with one line each. */
export function helpText(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		'Usage: npm run admin -- <command> [arguments]',
		'',
		'Works on the configured store: DATA_DIR (default ./data), or Redis with REDIS_URL. Safe while the server runs.',
		'',
		'Commands:',
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'Arguments:',
		...COMMANDS.map((c) => `  npm run admin -- ${c.usage}`)
	].join('\n');
}
