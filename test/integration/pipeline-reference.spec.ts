import type { IncomingMessage } from 'node:http';
import { ForbiddenException } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { JsonRpcCallContext } from '../../lib/context/json-rpc-call-context.js';
import { JsonRpcParamsFactory } from '../../lib/context/json-rpc-params.factory.js';
import { positionalCount } from '../../lib/decorators/rpc-args-plan.util.js';
import { JSON_RPC_CONTEXT_TYPE, RPC_ARGS_METADATA } from '../../lib/json-rpc.constants.js';
import { InterceptedRpc, InterceptorsModule, trail } from '../fixtures/interceptors.rpc.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { httpDriver } from '../support/transports.js';

// Handlers on static hosts run through the library's own direct pipeline (sync
// when nothing is async). This runs the same handlers through Nest's own
// ExternalContextCreator, with Nest's own InterceptorsConsumer, and asks for
// the same results and the same order of events: if a Nest release changes
// what guards, interceptors or pipes do, this is where it shows.
let server: TestServer;

beforeAll(async () => {
  server = await startApp(InterceptorsModule);
});

afterAll(async () => {
  await server?.close();
});

/** What Nest's pipeline does with the call: its result or the class of what it threw, and the trail. */
async function reference(method: keyof InterceptedRpc & string, params: unknown[]): Promise<{ outcome: unknown; trail: string[] }> {
  const ecc = server.app.get(ExternalContextCreator);
  const host = server.app.get(InterceptedRpc);
  const callback = (host as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!;
  const factory = new JsonRpcParamsFactory(undefined, positionalCount(InterceptedRpc, method), `icp.${method}`);
  const pipeline = ecc.create(host, callback, method, RPC_ARGS_METADATA, factory, undefined, undefined, { guards: true, interceptors: true, filters: true }, JSON_RPC_CONTEXT_TYPE);
  const ctx = new JsonRpcCallContext(
    { transport: 'http', request: { headers: {} } as IncomingMessage, principal: undefined },
    { kind: 'call', method: `icp.${method}`, params, id: 1, isNotification: false },
  );
  trail.length = 0;
  let outcome: unknown;
  try {
    outcome = { result: await pipeline(params, ctx) };
  } catch (error) {
    outcome = { threw: (error as Error).constructor.name };
  }
  return { outcome, trail: [...trail] };
}

async function ours(method: string, params: unknown[]): Promise<{ outcome: unknown; trail: string[] }> {
  trail.length = 0;
  const answer = await httpDriver(server).call(`icp.${method}`, params);
  const outcome = 'error' in answer ? { code: (answer['error'] as { code: number }).code } : { result: answer['result'] };
  return { outcome, trail: [...trail] };
}

const CALLS: Array<{ method: keyof InterceptedRpc & string; params: unknown[] }> = [
  { method: 'plain', params: [7] },
  { method: 'later', params: [21] },
  { method: 'cached', params: [] },
  { method: 'fails', params: [] },
  { method: 'stream', params: [] },
  { method: 'tenant', params: [] },
  { method: 'guarded', params: ['let me'] },
  { method: 'piped', params: ['a', 'b'] },
  { method: 'deferred', params: [] },
];

describe('the direct pipeline answers what Nest\'s ExternalContextCreator answers', () => {
  it.each(CALLS)('$method', async ({ method, params }) => {
    const nest = await reference(method, params);
    const mine = await ours(method, params);
    expect(mine).toEqual(nest);
  });

  it('a guard refusal: Nest throws ForbiddenException, the wire says -32003, the handler never runs', async () => {
    const nest = await reference('guarded', ['deny']);
    expect(nest).toEqual({ outcome: { threw: ForbiddenException.name }, trail: [] });
    expect(await ours('guarded', ['deny'])).toEqual({ outcome: { code: -32003 }, trail: [] });
  });
});
