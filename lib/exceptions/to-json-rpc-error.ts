import { HttpException } from '@nestjs/common';
import { httpStatusToErrorCode, JsonRpcErrorCode } from '../protocol/error-codes.js';
import type { JsonRpcErrorObject } from '../protocol/json-rpc.types.js';
import { standardError } from '../protocol/response.js';
import { JsonRpcException } from './json-rpc.exception.js';

/** The validation messages of a 400 (ValidationPipe puts them in `response.message`). */
function badRequestData(exception: HttpException): unknown {
  const response = exception.getResponse();
  if (typeof response === 'string') return [response];
  const message = (response as { message?: unknown }).message;
  return message === undefined ? [exception.message] : message;
}

function unexpected(error: unknown, exposeDetails: boolean): JsonRpcErrorObject {
  if (!exposeDetails) return standardError(JsonRpcErrorCode.InternalError);
  const details =
    error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
  return standardError(JsonRpcErrorCode.InternalError, details);
}

/**
 * The one place where anything a call can throw becomes a JSON-RPC error
 * (the error table in README). Never leaks a stack.
 */
export function toJsonRpcError(error: unknown, exposeDetails: boolean): JsonRpcErrorObject {
  if (error instanceof JsonRpcException) return error.toErrorObject();
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 400) return standardError(JsonRpcErrorCode.InvalidParams, badRequestData(error));
    if (status > 400 && status < 500) return { code: httpStatusToErrorCode(status), message: error.message };
  }
  return unexpected(error, exposeDetails);
}

/** Whether a mapped error hides an unexpected failure worth logging. */
export function isUnexpected(error: unknown): boolean {
  if (error instanceof JsonRpcException) return false;
  return !(error instanceof HttpException) || error.getStatus() >= 500;
}
