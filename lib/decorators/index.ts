export * from './rpc-ctx.decorator.js';
export * from './rpc-id.decorator.js';
export * from './rpc-method.decorator.js';
export * from './rpc-params.decorator.js';
export * from './rpc-service.decorator.js';
export * from './rpc-last-event-id.decorator.js';
export * from './rpc-subscription.decorator.js';
