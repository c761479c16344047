import { JsonRpcErrorCode } from './error-codes.js';
import type { JsonRpcResponse } from './json-rpc.types.js';
import type { ParsedMessage } from './parse-message.js';
import { errorResponse, joinBatch, serializeResponse, standardError } from './response.js';
import type { MessageItem, RpcCall } from './validate-request.js';

/** Runs one call and answers it; expected never to reject (errors are responses). */
export type CallExecutor = (call: RpcCall) => Promise<JsonRpcResponse> | JsonRpcResponse;

async function answer(item: MessageItem, execute: CallExecutor): Promise<string | undefined> {
  if (item.kind === 'invalid') return serializeResponse(errorResponse(item.id, item.error));
  let response: JsonRpcResponse;
  try {
    response = await execute(item);
  } catch {
    response = errorResponse(item.id, standardError(JsonRpcErrorCode.InternalError));
  }
  return item.isNotification ? undefined : serializeResponse(response);
}

/**
 * Turns a parsed frame/body into the text to send back, or `undefined` when the
 * spec says to send nothing (a notification, an all-notification batch).
 * Batch items run concurrently; the answer keeps request order.
 */
export async function processMessage(parsed: ParsedMessage, execute: CallExecutor): Promise<string | undefined> {
  switch (parsed.kind) {
    case 'rejected':
      return serializeResponse(errorResponse(null, parsed.error));
    case 'single':
      return answer(parsed.item, execute);
    case 'batch': {
      const answers = await Promise.all(parsed.items.map((item) => answer(item, execute)));
      const sent = answers.filter((text): text is string => text !== undefined);
      return sent.length === 0 ? undefined : joinBatch(sent);
    }
  }
}
