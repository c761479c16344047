export * from './json-rpc-connection.interface.js';
export * from './json-rpc-context.interface.js';
export * from './json-rpc-limits.interface.js';
export * from './json-rpc-module-options.interface.js';
export * from './rpc-method-options.interface.js';
