// The direct pipeline is an accelerator under contract: for any stack of
// enhancers fast-check draws, a call over HTTP and over WebSocket must answer
// what Nest's own, unpatched ExternalContextCreator answers for the same method,
// with the same trail of enhancer events (what each saw: context type, class,
// handler, args, ArgumentMetadata), the same logged errors, and no unhandled
// rejection. Bounded (DIFF_RUNS runs, fixed DIFF_SEED, printed on failure).
// test/run-tests.mjs also runs this file against the lowest @nestjs/core the
// peer range admits.
import { ExternalContextCreator } from '@nestjs/core';
import fc from 'fast-check';
import { build, ErrorLog, METHOD, reference } from '../fixtures/differential/app.js';
import { stacks, streams, trail } from '../fixtures/differential/stack.js';
import { postRaw } from '../support/http-client.js';
import { startApp } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

const RUNS = Number(process.env['DIFF_RUNS'] ?? 80);
const SEED = Number(process.env['DIFF_SEED'] ?? 20261202);

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

/** Lets what still runs after an answer (params resolved after another failed) finish inside the observation. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 5));

interface Observed {
  outcome: unknown;
  trail: Record<string, string[]>;
  errors: string[];
}

async function observe(log: ErrorLog, run: () => Promise<unknown>): Promise<Observed> {
  trail.length = 0;
  log.errors.length = 0;
  const outcome = await run();
  await quiet();
  // DIFF_STRICT=1 also compares how different params' events interleave (see `streams`).
  return { outcome, trail: process.env['DIFF_STRICT'] ? { all: [...trail] } : streams(trail), errors: [...log.errors] };
}

function wire(answer: unknown): unknown {
  const response = answer as { result?: unknown; error?: unknown };
  return 'error' in response ? { error: response.error } : { result: response.result };
}

let nextId = 1;

/**
 * Which Nest this run loaded: `npm test` runs this file on the locked (highest)
 * Nest and, with NEST_LOWEST set, on the lowest of the peer range. A fingerprint
 * (getHostModuleKey took 2 parameters before 12.5) proves the mapping took effect.
 */
const loaded = (ExternalContextCreator.prototype as unknown as { getHostModuleKey: { length: number } }).getHostModuleKey.length === 2 ? '12.2-12.4' : '>=12.5';

describe(`the direct pipeline against Nest's ExternalContextCreator (@nestjs/core ${loaded})`, () => {
  it('runs on the Nest this run is for', () => {
    expect(loaded).toBe(process.env['NEST_LOWEST'] ? '12.2-12.4' : '>=12.5');
  });

  it(`answers the same for ${RUNS} drawn enhancer stacks (seed ${SEED}), over HTTP and WebSocket`, async () => {
    await fc.assert(
      fc.asyncProperty(stacks, async (stack) => {
        const built = build(stack);
        const log = new ErrorLog();
        const server = await startApp(built.module, (app) => {
          app.useLogger(log);
          built.configure(app);
        });
        const ws = await TestWsClient.connect(server.wsUrl);
        try {
          for (const transport of ['http', 'ws'] as const) {
            const expected = await observe(log, () => reference(server.app, built, structuredClone(stack.input), transport));
            const actual = await observe(log, async () => {
              const request = { jsonrpc: '2.0', method: METHOD, params: structuredClone(stack.input), id: nextId++ };
              if (transport === 'ws') return wire(await ws.request(request));
              return wire((await postRaw(server.httpUrl, JSON.stringify(request))).json);
            });
            expect({ transport, ...actual }).toEqual({ transport, ...expected });
          }
        } finally {
          await ws.close();
          await server.close();
        }
      }),
      { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
    );
    expect(unhandled).toEqual([]);
    unhandled = [];
  }, 180_000);
});
