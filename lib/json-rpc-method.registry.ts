import { Injectable, type Type } from '@nestjs/common';
import type { RpcServiceMetadata } from './decorators/rpc-service.decorator.js';
import type { OverflowPolicy, RpcMethodMetadata } from './interfaces/rpc-method-options.interface.js';
import type { JsonRpcCallContext } from './context/json-rpc-call-context.js';
import type { JsonRpcParams } from './protocol/json-rpc.types.js';

/** One served method, with its Nest pipeline already built. */
export interface RegisteredMethod {
  readonly name: string;
  /** A subscription's `invoke` resolves with its source (Observable / AsyncIterable). */
  readonly kind: 'method' | 'subscription';
  /** Subscriptions: what to do when the client reads too slowly. */
  readonly overflow: OverflowPolicy;
  readonly description: string | undefined;
  /** `ClassName.methodKey`, for messages. */
  readonly handlerName: string;
  /** Where it was declared, for the discovery document (read once at bootstrap). */
  readonly source?: RegisteredMethodSource;
  /**
   * Runs guards -> interceptors -> pipes -> handler, with filters around all:
   * the result, or a Promise of it (a call that finishes synchronously costs no Promise).
   */
  invoke(params: JsonRpcParams | undefined, ctx: JsonRpcCallContext): unknown;
}

/** The decorated handler behind a method: its class, key and options. */
export interface RegisteredMethodSource {
  readonly hostClass: Type;
  readonly methodKey: string;
  readonly meta: RpcMethodMetadata;
  readonly service: RpcServiceMetadata | undefined;
}

/**
 * Name -> method. A `Map`, so a name such as `constructor` or `__proto__`
 * can never resolve to something inherited.
 */
@Injectable()
export class JsonRpcMethodRegistry {
  private readonly methods = new Map<string, RegisteredMethod>();

  add(method: RegisteredMethod): void {
    const existing = this.methods.get(method.name);
    if (existing) {
      throw new Error(
        `JSON-RPC method "${method.name}" is declared twice: by ${existing.handlerName} and by ${method.handlerName}. Method names must be unique.`,
      );
    }
    this.methods.set(method.name, method);
  }

  get(name: string): RegisteredMethod | undefined {
    return this.methods.get(name);
  }

  list(): RegisteredMethod[] {
    return [...this.methods.values()];
  }
}
