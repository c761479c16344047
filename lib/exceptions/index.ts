export * from './json-rpc.exception.js';
