import { IntrinsicException } from '@nestjs/common';
import { JSON_RPC_ERROR_MESSAGES, JsonRpcErrorCode } from '../protocol/error-codes.js';
import type { JsonRpcErrorObject } from '../protocol/json-rpc.types.js';

/**
 * Throw (or return from an exception filter) to answer a call with exactly this
 * error. Intrinsic: Nest does not log it as an unexpected failure.
 *
 * @publicApi
 */
export class JsonRpcException extends IntrinsicException {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toErrorObject(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

const standard = (code: JsonRpcErrorCode) => JSON_RPC_ERROR_MESSAGES[code]!;

/**
 * -32602 with `data` (the library's own answer for params a handler cannot take;
 * throw it from a pipe or a handler for the same).
 *
 * @publicApi
 */
export class JsonRpcInvalidParamsException extends JsonRpcException {
  constructor(data?: unknown) {
    super(JsonRpcErrorCode.InvalidParams, standard(JsonRpcErrorCode.InvalidParams), data);
  }
}
