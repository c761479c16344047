import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';
import type { TLSSocket } from 'node:tls';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsonRpcDiscoveredMethod, JsonRpcDiscoveryOptions } from '../interfaces/json-rpc-discovery-options.interface.js';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JsonRpcMethodRegistry } from '../json-rpc-method.registry.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { ClassSchemas } from './class-schemas.adapter.js';
import { buildOpenRpcDocument } from './openrpc-document.builder.js';
import type { OpenRpcDocument, OpenRpcServer } from './openrpc.types.js';

/**
 * The OpenRPC document of the app: built once at bootstrap (after every
 * method is registered), then per caller only filtered and given its servers.
 */
@Injectable()
export class JsonRpcDiscovery implements OnApplicationBootstrap {
  private readonly logger = new Logger('JsonRpc');
  private readonly options: JsonRpcDiscoveryOptions | false;
  private document: OpenRpcDocument | undefined;
  private described: JsonRpcDiscoveredMethod[] = [];

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly resolved: ResolvedJsonRpcOptions,
    private readonly registry: JsonRpcMethodRegistry,
  ) {
    this.options = resolved.discovery;
  }

  get enabled(): boolean {
    return this.options !== false;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options === false) return;
    const classes = await ClassSchemas.load(() =>
      this.logger.warn('class-validator-jsonschema is not installed: DTO params and results are documented without schemas (npm i class-validator-jsonschema)'),
    );
    const built = buildOpenRpcDocument(this.registry.list(), this.options, this.resolved.limits, {
      classes,
      onSchemaFailure: (error) => this.logger.warn(`A Standard Schema has no JSON Schema, documented as any value: ${String(error)}`),
    });
    this.document = built.document;
    this.described = built.described;
  }

  /** The document `principal` may see, with servers as reached through `request`; undefined when off (or before bootstrap). */
  documentFor(principal: unknown, request: JsonRpcRequestHead): OpenRpcDocument | undefined {
    if (this.options === false || this.document === undefined) return undefined;
    const { filter } = this.options;
    const methods = filter ? this.document.methods.filter((_method, index) => filter(principal, this.described[index]!)) : this.document.methods;
    return { ...this.document, servers: this.options.servers ?? this.serversFor(request), methods };
  }

  private serversFor(request: JsonRpcRequestHead): OpenRpcServer[] {
    const host = request.headers.host;
    if (host === undefined) return [];
    const secure = (request.socket as Partial<TLSSocket>).encrypted === true;
    const { path } = this.resolved;
    return [
      ...(this.resolved.ws ? [{ name: 'websocket', url: `${secure ? 'wss' : 'ws'}://${host}${path}` }] : []),
      ...(this.resolved.http ? [{ name: 'http', url: `${secure ? 'https' : 'http'}://${host}${path}` }] : []),
    ];
  }
}
