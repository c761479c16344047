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

/** An answer dropped unserialized: it alone would take the message over the response budget. */
const OVER = Symbol('over');

/** A batch item left unrun because the answer was already over budget. */
const NOT_RUN = Symbol('notRun');

/**
 * Serializes within `budget` bytes: a string result longer than the budget is
 * known to be over without building its JSON (the common way to amplify).
 */
function serializeWithin(response: JsonRpcResponse, budget: number): string | typeof OVER {
  if ('result' in response && typeof response.result === 'string' && response.result.length > budget) return OVER;
  return serializeResponse(response);
}

/** The text answering one item; synchronous when its call was. */
function answer(item: MessageItem, execute: CallExecutor, receive: ResponseReceiver | undefined, budget: number): Answer | typeof OVER | Promise<Answer | typeof OVER> {
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
  if (!isThenable(response)) return item.isNotification ? undefined : serializeWithin(response, budget);
  return Promise.resolve(response).then(
    (settled) => (item.isNotification ? undefined : serializeWithin(settled, budget)),
    () => (item.isNotification ? undefined : serializeResponse(internalError(item))),
  );
}

function internalError(item: RpcCall): JsonRpcResponse {
  return errorResponse(item.id, standardError(JsonRpcErrorCode.InternalError));
}

/**
 * Before each batch item: undefined to run it now, or a Promise that settles
 * once it may run (the WebSocket transport waits for an in-flight slot, so a
 * batch cannot run more calls at once than `maxInFlightPerConnection`).
 */
export type Admission = () => Promise<void> | undefined;

/**
 * Turns a parsed frame/body into the text to send back, or `undefined` when the
 * spec says to send nothing (a notification, an all-notification batch).
 * Batch items start in order and run concurrently; the answer keeps request
 * order. Responses from the client (to server -> client requests) go to
 * `receive` and are not answered.
 *
 * The answer is counted as it is serialized: once a batch is over
 * `maxResponseBytes`, later answers are dropped unserialized and items not yet
 * started are not run at all, so work and memory per message stay bounded by
 * the limit, not by what handlers return.
 */
export async function processMessage(
  parsed: ParsedMessage,
  execute: CallExecutor,
  receive?: ResponseReceiver,
  maxResponseBytes = Infinity,
  admit?: Admission,
): Promise<string | undefined> {
  switch (parsed.kind) {
    case 'rejected':
      return serializeResponse(errorResponse(null, parsed.error));
    case 'single': {
      const text = await answer(parsed.item, execute, receive, maxResponseBytes);
      if (text === undefined || (text !== OVER && fits(text, maxResponseBytes))) return text;
      return tooLarge(idOf(parsed.item), maxResponseBytes, false);
    }
    case 'batch':
      return batch(parsed.items, execute, receive, maxResponseBytes, admit);
  }
}

async function batch(
  items: readonly MessageItem[],
  execute: CallExecutor,
  receive: ResponseReceiver | undefined,
  maxResponseBytes: number,
  admit: Admission | undefined,
): Promise<string | undefined> {
  const texts: Array<Answer | typeof OVER | typeof NOT_RUN> = new Array(items.length);
  // A lower bound of the answer's UTF-8 size (a byte per char): past the limit means over for sure.
  let size = 1;
  let over = false;
  const keep = (index: number, text: Answer | typeof OVER) => {
    if (text === undefined) return;
    if (over || text === OVER || (size += text.length + 1) > maxResponseBytes) {
      // What was kept is garbage now; items settle in any order, so clear them all.
      if (!over) for (let i = 0; i < texts.length; i++) if (typeof texts[i] === 'string') texts[i] = OVER;
      over = true;
      texts[index] = OVER;
      return;
    }
    texts[index] = text;
  };
  let running: Array<Promise<void>> | undefined;
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    if (over) {
      texts[index] = NOT_RUN;
      continue;
    }
    const wait = admit?.();
    if (wait) await wait;
    const text = answer(item, execute, receive, maxResponseBytes - size);
    if (!isThenable(text)) keep(index, text);
    else (running ??= []).push(text.then((settled) => keep(index, settled)));
  }
  // One Promise for the batch, and only if some item is still running.
  if (running) await Promise.all(running);
  if (!over) {
    const sent = texts.filter((text): text is string => typeof text === 'string');
    if (sent.length === 0) return undefined;
    const text = joinBatch(sent);
    if (fits(text, maxResponseBytes)) return text;
  }
  // The whole answer counts: over the limit, every item owed an answer gets -32013 instead.
  const errors: string[] = [];
  items.forEach((item, index) => {
    if (!owesAnswer(item, receive)) return;
    errors.push(tooLarge(idOf(item), maxResponseBytes, texts[index] === NOT_RUN));
  });
  return errors.length === 0 ? undefined : joinBatch(errors);
}

/** Whether the spec owes this item an answer (notifications and client responses get none). */
function owesAnswer(item: MessageItem, receive: ResponseReceiver | undefined): boolean {
  if (item.kind === 'call') return !item.isNotification;
  return item.kind === 'invalid' || receive === undefined;
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

/** -32013; `notRun` when the call was never started because the answer was already over budget. */
function tooLarge(id: JsonRpcId, maxBytes: number, notRun: boolean): string {
  const data = notRun ? { maxBytes, notRun: true } : { maxBytes };
  return serializeResponse(errorResponse(id, { code: JsonRpcErrorCode.ResponseTooLarge, message: 'Response too large', data }));
}
