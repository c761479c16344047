import { JsonRpcErrorCode } from './error-codes.js';
import type { JsonRpcErrorObject } from './json-rpc.types.js';
import { standardError } from './response.js';
import { validateRequest, type MessageItem, type RequestLimits } from './validate-request.js';

export interface MessageLimits extends RequestLimits {
  readonly maxBatchSize: number;
}

/**
 * What one frame or body holds. `rejected` is answered with a single error
 * object (id null) and nothing runs: invalid JSON, an empty batch, a batch
 * over the limit.
 */
export type ParsedMessage =
  | { readonly kind: 'single'; readonly item: MessageItem }
  | { readonly kind: 'batch'; readonly items: readonly MessageItem[] }
  | { readonly kind: 'rejected'; readonly error: JsonRpcErrorObject };

export function parseMessage(text: string, limits: MessageLimits): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'rejected', error: standardError(JsonRpcErrorCode.ParseError) };
  }
  if (!Array.isArray(value)) return { kind: 'single', item: validateRequest(value, limits) };
  if (value.length === 0) {
    return { kind: 'rejected', error: standardError(JsonRpcErrorCode.InvalidRequest, { reason: 'Empty batch' }) };
  }
  if (value.length > limits.maxBatchSize) {
    return {
      kind: 'rejected',
      error: standardError(JsonRpcErrorCode.InvalidRequest, {
        reason: `Batch of ${value.length} exceeds the limit of ${limits.maxBatchSize}`,
      }),
    };
  }
  return { kind: 'batch', items: value.map((item) => validateRequest(item, limits)) };
}
