import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const VALIDATOR = fileURLToPath(new URL('./validate-openrpc.cjs', import.meta.url));

/**
 * `validateOpenRPCDocument` of @open-rpc/schema-utils-js, run by Node itself
 * (see validate-openrpc.cjs for why not in jest): "valid", or the errors.
 */
export function validateOpenRpc(document: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [VALIDATOR], { timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin!.end(JSON.stringify(document));
  });
}

export interface OpenRpcClientModule {
  Client: new (manager: unknown) => { request(call: { method: string; params: unknown }): Promise<unknown>; close(): void };
  RequestManager: new (transports: unknown[]) => unknown;
  HTTPTransport: new (url: string, options?: { headers?: Record<string, string> }) => unknown;
  WebSocketTransport: new (url: string) => unknown;
}

// A name tsc does not follow: the package's types pull @open-rpc/spec-types, whose .ts
// sources tsc would then check under our strict flags (noUnusedLocals fails on them).
const CLIENT = '@open-rpc/client-js';
export const loadOpenRpcClient = () => import(CLIENT) as Promise<OpenRpcClientModule>;
