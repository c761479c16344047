import { JsonRpcException } from './json-rpc.exception.js';

/**
 * Whether what a pipeline answered is a failure rather than a result: only a
 * `JsonRpcException` (an exception filter may return one). Any other value,
 * an `Error` included, is the call's result (SPEC: filters).
 */
export function isFailure(answer: unknown): answer is JsonRpcException {
  return answer instanceof JsonRpcException;
}
