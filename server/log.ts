/**
 * Structured logging (pino: fast, JSON lines, levels). Logs carry room and command ids, never tokens
 * or message contents.
 */
import { pino } from 'pino';

/**
 * The one logging interface every part of the server takes: pino's, fields first, then the message.
 * Every failure is logged once, where it is handled, with its room and command or request.
 */
export interface Logger {
	info(fields: Record<string, unknown>, message: string): void;
	warn(fields: Record<string, unknown>, message: string): void;
	error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything (tests, and stores opened by command-line tools). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
	return pino({ level, base: { app: 'customer-room' } });
}
