/** A JSON Schema (draft 7, as OpenRPC 1.3 uses), as plain data. */
export type JsonSchema = Record<string, unknown>;

/** OpenRPC 1.3 content descriptor: one param, or the result. */
export interface OpenRpcContentDescriptor {
  name: string;
  schema: JsonSchema;
  required?: boolean;
  description?: string;
}

export interface OpenRpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** OpenRPC 1.3 method object, with this library's `x-` extensions. */
export interface OpenRpcMethod {
  name: string;
  summary?: string;
  description?: string;
  tags?: { name: string; description?: string }[];
  paramStructure: 'by-name' | 'by-position' | 'either';
  params: OpenRpcContentDescriptor[];
  result: OpenRpcContentDescriptor;
  errors?: OpenRpcError[];
  deprecated?: boolean;
  /** A subscription (WebSocket only): `result` is its id; each value comes as a notification named after the method. */
  'x-subscription'?: { notification: string; value: JsonSchema };
  [extension: `x-${string}`]: unknown;
}

export interface OpenRpcServer {
  name: string;
  url: string;
  summary?: string;
}

/**
 * The discovery document (`rpc.discover`, `GET {path}`): OpenRPC 1.3.
 *
 * @publicApi
 */
export interface OpenRpcDocument {
  openrpc: string;
  info: { title: string; version: string; description?: string };
  servers?: OpenRpcServer[];
  methods: OpenRpcMethod[];
  components: { schemas: Record<string, JsonSchema> };
  [extension: `x-${string}`]: unknown;
}
