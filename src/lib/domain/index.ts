/** The pure domain core, shared by the server and the browser. */
export * from './model';
export * from './commands';
export * from './events';
export * from './imports';
export * from './redaction';
export * from './decide';
export * from './evolve';
export * from './timebox';
export * from './canonical';
export * from './template-schema';
export * from './template-commands';
export * from './file-access';
export * from './projection';
export * from './departments';
export * from './votes';
export * from './tone';
export * from './import-files';
