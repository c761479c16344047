import type { Type } from '@nestjs/common';

/**
 * A method as the discovery filter sees it: enough to read its decorators'
 * metadata (`Reflect.getMetadata(ROLES_KEY, method.handler)`, or a Reflector).
 *
 * @publicApi
 */
export interface JsonRpcDiscoveredMethod {
  readonly name: string;
  readonly kind: 'method' | 'subscription';
  readonly tags: readonly string[];
  /** The handler function (`Class.prototype[key]`): where method decorators put their metadata. */
  readonly handler: (...args: never[]) => unknown;
  /** The class: where class decorators put theirs. */
  readonly hostClass: Type;
}

/**
 * Options of the discovery document (`rpc.discover` on both transports and
 * `GET {path}`, OpenRPC 1.3). The document is built once at bootstrap.
 *
 * @publicApi
 */
export interface JsonRpcDiscoveryOptions {
  /** `info.title`. Default `'JSON-RPC API'`. */
  title?: string;
  /** `info.version` (of your API). Default `'0.0.0'`. */
  version?: string;
  description?: string;
  /**
   * `servers`. Default: the WebSocket and HTTP URLs of the endpoint, with the
   * host the caller reached (its `Host` header), so they are right behind a proxy too.
   */
  servers?: { name: string; url: string; summary?: string }[];
  /**
   * Hides methods from a caller: return false to leave `method` out of the
   * document `principal` gets (what `authenticate` returned; undefined without it).
   * Hiding is not authorization: guards still decide who may call.
   */
  filter?: (principal: unknown, method: JsonRpcDiscoveredMethod) => boolean;
}
