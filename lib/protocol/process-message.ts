import { JsonRpcErrorCode } from './error-codes.js';
import type { JsonRpcResponse } from './json-rpc.types.js';
import type { ParsedMessage } from './parse-message.js';
import { errorResponse, joinBatch, serializeResponse, standardError } from './response.js';
import type { ClientResponse, MessageItem, RpcCall } from './validate-request.js';

/** Runs one call and answers it; expected never to reject (errors are responses). */
export type CallExecutor = (call: RpcCall) => Promise<JsonRpcResponse> | JsonRpcResponse;

/** Takes a client's response to a server -> client request. Absent where that makes no sense (HTTP). */
export type ResponseReceiver = (response: ClientResponse) => void;

async function answer(item: MessageItem, execute: CallExecutor, receive?: ResponseReceiver): Promise<string | undefined> {
  if (item.kind === 'invalid') return serializeResponse(errorResponse(item.id, item.error));
  if (item.kind === 'response') {
    if (receive) {
      receive(item);
      return undefined;
    }
    return serializeResponse(errorResponse(item.id, standardError(JsonRpcErrorCode.InvalidRequest, { reason: 'Unexpected response object' })));
  }
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
 * Batch items run concurrently; the answer keeps request order. Responses from
 * the client (to server -> client requests) go to `receive` and are not answered.
 */
export async function processMessage(
  parsed: ParsedMessage,
  execute: CallExecutor,
  receive?: ResponseReceiver,
): Promise<string | undefined> {
  switch (parsed.kind) {
    case 'rejected':
      return serializeResponse(errorResponse(null, parsed.error));
    case 'single':
      return answer(parsed.item, execute, receive);
    case 'batch': {
      const answers = await Promise.all(parsed.items.map((item) => answer(item, execute, receive)));
      const sent = answers.filter((text): text is string => text !== undefined);
      return sent.length === 0 ? undefined : joinBatch(sent);
    }
  }
}
