/**
 * Structured logging (pino: fast, JSON lines, levels). Logs carry room and command ids, never tokens
 * or message contents.
 */
import { pino, type Logger } from 'pino';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
	return pino({ level, base: { app: 'customer-room' } });
}
