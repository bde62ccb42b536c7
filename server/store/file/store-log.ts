/** Where the store reports things an operator may want to know (a cut-off torn line, a stale lock). */
export interface FileStoreLog {
	warn(msg: string, fields: Record<string, unknown>): void;
}
