import { isThenable } from '../utils/is-thenable.js';
import { JsonRpcErrorCode } from './error-codes.js';
import type { JsonRpcId, JsonRpcResponse } from './json-rpc.types.js';
import type { ParsedMessage } from './parse-message.js';
import { errorResponse, joinBatch, serializeResponse, standardError } from './response.js';
import type { ClientResponse, MessageItem, RpcCall } from './validate-request.js';

/** Runs one call and answers it; expected never to reject (errors are responses). */
export type CallExecutor = (call: RpcCall) => Promise<JsonRpcResponse> | JsonRpcResponse;

/** Takes a client's response to a server -> client request. Absent where that makes no sense (HTTP). */
export type ResponseReceiver = (response: ClientResponse) => void;

type Answer = string | undefined;

/** The text answering one item; synchronous when its call was. */
function answer(item: MessageItem, execute: CallExecutor, receive?: ResponseReceiver): Answer | Promise<Answer> {
  if (item.kind === 'invalid') return serializeResponse(errorResponse(item.id, item.error));
  if (item.kind === 'response') {
    if (receive) {
      receive(item);
      return undefined;
    }
    return serializeResponse(errorResponse(item.id, standardError(JsonRpcErrorCode.InvalidRequest, { reason: 'Unexpected response object' })));
  }
  let response: JsonRpcResponse | Promise<JsonRpcResponse>;
  try {
    response = execute(item);
  } catch {
    response = internalError(item);
  }
  if (!isThenable(response)) return item.isNotification ? undefined : serializeResponse(response);
  return Promise.resolve(response).then(
    (settled) => (item.isNotification ? undefined : serializeResponse(settled)),
    () => (item.isNotification ? undefined : serializeResponse(internalError(item))),
  );
}

function internalError(item: RpcCall): JsonRpcResponse {
  return errorResponse(item.id, standardError(JsonRpcErrorCode.InternalError));
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
  maxResponseBytes = Infinity,
): Promise<string | undefined> {
  switch (parsed.kind) {
    case 'rejected':
      return serializeResponse(errorResponse(null, parsed.error));
    case 'single': {
      const text = await answer(parsed.item, execute, receive);
      return text === undefined || fits(text, maxResponseBytes) ? text : tooLarge(idOf(parsed.item), maxResponseBytes);
    }
    case 'batch': {
      const pending = parsed.items.map((item) => answer(item, execute, receive));
      // One Promise for the batch, and only if some item is still running.
      const answers = pending.some(isThenable) ? await Promise.all(pending) : (pending as Answer[]);
      const sent: string[] = [];
      const ids: JsonRpcId[] = [];
      answers.forEach((text, index) => {
        if (text === undefined) return;
        sent.push(text);
        ids.push(idOf(parsed.items[index]!));
      });
      if (sent.length === 0) return undefined;
      const text = joinBatch(sent);
      // The whole answer counts: over the limit, every answered item gets -32013 instead.
      return fits(text, maxResponseBytes) ? text : joinBatch(ids.map((id) => tooLarge(id, maxResponseBytes)));
    }
  }
}

function idOf(item: MessageItem): JsonRpcId {
  return item.id;
}

/** UTF-8 size without encoding when the length alone decides (each char is 1 to 3 bytes). */
function fits(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return false;
  if (text.length * 3 <= maxBytes) return true;
  return utf8Length(text) <= maxBytes;
}

/** Platform-free UTF-8 byte count (no Buffer: the protocol core also runs in browsers). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // a surrogate pair
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function tooLarge(id: JsonRpcId, maxBytes: number): string {
  return serializeResponse(
    errorResponse(id, { code: JsonRpcErrorCode.ResponseTooLarge, message: 'Response too large', data: { maxBytes } }),
  );
}
