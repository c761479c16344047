// Pure JSON-RPC 2.0: no Nest, no sockets, no I/O.
export * from './close-codes.js';
export * from './error-codes.js';
export * from './json-rpc.types.js';
export * from './parse-message.js';
export * from './process-message.js';
export * from './response.js';
export * from './validate-request.js';
