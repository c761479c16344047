// The public API is a deliberate list: adding or removing an export is a
// decision, made here and in README ("Public API") in the same commit.
import { readFileSync } from 'node:fs';

const SERVER = [
  'DEFAULT_LIMITS',
  'JSON_RPC_CONTEXT_TYPE',
  'JsonRpcCloseCode',
  'JsonRpcErrorCode',
  'JsonRpcException',
  'JsonRpcExecutionContext',
  'JsonRpcInvalidParamsException',
  'JsonRpcModule',
  'JsonRpcServer',
  'MemoryPubSub',
  'RedisPubSub',
  'RpcCtx',
  'RpcEvent',
  'RpcGap',
  'RpcId',
  'RpcLastEventId',
  'RpcMethod',
  'RpcParams',
  'RpcService',
  'RpcSubscription',
  'closeAction',
];

const CLIENT = [
  'ClientSubscription',
  'ConnectionClosedError',
  'ConnectionRefusedError',
  'JsonRpcClient',
  'JsonRpcCloseCode',
  'JsonRpcError',
  'JsonRpcErrorCode',
  'JsonRpcTransportError',
  'NotConnectedError',
  'RpcAbortedError',
  'RpcTimeoutError',
  'UnsupportedOperationError',
  'closeAction',
];

/** Names listed in README's "Public API" section, in backticks. */
function documented(entry: string): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## Public API')[1]?.split('\n## ')[0] ?? '';
  const line = section.split('\n- ').find((text) => text.startsWith(`\`${entry}\`:`)) ?? '';
  return [...line.matchAll(/`([A-Za-z_]+)`/g)].map((match) => match[1]!).filter((name) => name !== entry);
}

describe('public API', () => {
  it('the server entry exports exactly the listed values', async () => {
    expect(Object.keys(await import('../../lib/index.js')).sort()).toEqual([...SERVER].sort());
  });

  it('the client entry exports exactly the listed values', async () => {
    expect(Object.keys(await import('../../lib/client/index.js')).sort()).toEqual([...CLIENT].sort());
  });

  it('README documents every value export of both entries', () => {
    expect(documented('nestjs-json-rpc').filter((name) => SERVER.includes(name)).sort()).toEqual([...SERVER].sort());
    expect(documented('nestjs-json-rpc/client').filter((name) => CLIENT.includes(name)).sort()).toEqual([...CLIENT].sort());
  });
});
