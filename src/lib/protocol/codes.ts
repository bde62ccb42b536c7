/** Zod-free protocol constants, so browser pages can use them without loading the schema library. */
import type { ErrorCode } from './errors';

/** Codes after which resending the same command (same commandId) may succeed. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unavailable', 'rate_limited', 'internal']);
