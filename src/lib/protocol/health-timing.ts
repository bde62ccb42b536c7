/** Screen health timing, zod-free so the wall (which must not load the schema library) can read it. */

/** How often a paired TV reports its health (ms); a screen silent for 2.5 times this is offline. */
export const HEALTH_EVERY_MS = 30_000;
