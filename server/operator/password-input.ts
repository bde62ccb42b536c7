/**
 * Reads a password for `npm run admin -- create-admin`: typed on the terminal without echo (asked twice),
 * or, when stdin is a pipe (a script, a secret manager), its first line. Never from an argument, which
 * lands in the shell's history and in `ps`.
 */
import type { ReadStream } from 'node:tty';

/** Reads one line from the terminal with echo off. Ctrl-C or Ctrl-D gives null. */
function askHidden(prompt: string, input: ReadStream, output: NodeJS.WriteStream): Promise<string | null> {
	// Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
	input.setRawMode(true);
	output.write(prompt);
	input.resume();
	return new Promise((resolve) => {
		let typed = '';
		const finish = (value: string | null) => {
			input.off('data', onData);
			input.setRawMode(false);
			input.pause();
			output.write('\n');
			resolve(value);
		};
		const onData = (chunk: Buffer) => {
			for (const char of chunk.toString('utf8')) {
				if (char === '\r' || char === '\n') return finish(typed);
				if (char === '\u0003' || char === '\u0004') return finish(null);
				if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
				else if (char >= ' ') typed += char;
			}
		};
		input.on('data', onData);
	});
}

/** The first line of a piped stdin (without its line ending). */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
	let text = '';
	for await (const chunk of input) {
		text += chunk.toString();
		if (text.includes('\n')) break;
	}
	return text.split(/\r?\n/, 1)[0] ?? '';
}

export type PasswordInput = { ok: true; password: string } | { ok: false; message: string };

/** Asks for a new password on a terminal (twice), or reads it from a pipe. */
export async function readNewPassword(): Promise<PasswordInput> {
	const input = process.stdin;
	if (!input.isTTY) {
		const password = await firstLine(input);
		return password
			? { ok: true, password }
			: { ok: false, message: 'No password came on stdin. Pipe it in, e.g. `printf %s "$PASSWORD" | npm run admin -- ...`.' };
	}
	const tty = input as ReadStream;
	const password = await askHidden('Password (not shown): ', tty, process.stderr);
	if (password === null) return { ok: false, message: 'Cancelled; nothing was changed.' };
	const again = await askHidden('The password again: ', tty, process.stderr);
	if (again === null) return { ok: false, message: 'Cancelled; nothing was changed.' };
	if (password !== again) return { ok: false, message: 'The two passwords are not the same; nothing was changed. Try again.' };
	return { ok: true, password };
}
