/** The pure domain core, shared by the server and the browser. */
export * from './model';
export * from './commands';
export * from './events';
export * from './decide';
export * from './evolve';
export * from './canonical';
