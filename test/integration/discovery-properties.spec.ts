import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { generateSync } from 'json-schema-faker';
import { createOrderDesk } from '../../sample-app/bootstrap.js';
import { postRaw } from '../support/http-client.js';
import { TestWsClient } from '../support/ws-client.js';

/**
 * Schemas match behaviour: for each sample method, params generated from the
 * document's params schema (json-schema-faker, seeded by fast-check) pass the
 * server's validation, and the same params with a required field removed or
 * of the wrong type get -32602, over HTTP and WebSocket.
 */
type Schema = Record<string, unknown>;
interface Method {
  name: string;
  paramStructure: string;
  params: { name: string; required?: boolean; schema: Schema }[];
  'x-subscription'?: unknown;
}

const token = 'admin-token'; // sees and may call every method
let app: INestApplication;
let base: string;
let methods: Method[];
let components: Record<string, Schema>;
let ws: TestWsClient;
let nextId = 1;

beforeAll(async () => {
  app = await createOrderDesk({ dbFile: ':memory:', fillAfterMs: 60_000 }, false);
  await app.listen(0, '127.0.0.1');
  base = `127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const document = (await callHttp('rpc.discover', undefined))['result'] as { methods: Method[]; components: { schemas: Record<string, Schema> } };
  methods = document.methods.filter((method) => method['x-subscription'] === undefined && method.params.length > 0);
  components = document.components.schemas;
  ws = await TestWsClient.connect(`ws://${base}/rpc`, { headers: { authorization: `Bearer ${token}` } });
});
afterAll(async () => {
  await ws?.close();
  await app.close();
});

async function callHttp(method: string, params: unknown): Promise<Record<string, unknown>> {
  const reply = await postRaw(`http://${base}/rpc`, JSON.stringify({ jsonrpc: '2.0', method, params, id: nextId++ }), { authorization: `Bearer ${token}` });
  return reply.json as Record<string, unknown>;
}
const callWs = async (method: string, params: unknown) => (await ws.request({ jsonrpc: '2.0', method, params, id: nextId++ })) as Record<string, unknown>;
const transports = [callHttp, callWs];

/** The by-name params object the document describes. */
function paramsSchema(method: Method): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(method.params.map((param) => [param.name, param.schema])),
    required: method.params.filter((param) => param.required).map((param) => param.name),
    additionalProperties: false,
    components: { schemas: components },
  };
}

/** A value no schema of the sample takes where it asks for `schema`. */
function wrongType(schema: Schema): unknown {
  return schema['type'] === 'string' || Array.isArray(schema['enum']) ? 12345 : 'not of this type';
}

const code = (answer: Record<string, unknown>) => (answer['error'] as { code?: number } | undefined)?.code;

describe('discovery: the sample app schemas match its behaviour', () => {
  it('lists methods with params to check (every one the document lists is checked)', () => {
    expect(methods.map((method) => method.name)).toEqual(expect.arrayContaining(['order.all', 'order.cancel', 'order.getStatus', 'order.list', 'order.submit']));
  });

  it('generated params pass validation; a required field removed or of the wrong type gets -32602 (HTTP and WS)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        for (const method of methods) {
          const params = generateSync(paramsSchema(method) as never, { seed }) as Record<string, unknown>;
          for (const call of transports) {
            const answer = await call(method.name, params);
            if (code(answer) === -32602) throw new Error(`${method.name} refused generated params ${JSON.stringify(params)}: ${JSON.stringify(answer)}`);
            for (const param of method.params) {
              const wrong = await call(method.name, { ...params, [param.name]: wrongType(param.schema) });
              expect([method.name, param.name, 'wrong type', code(wrong)]).toEqual([method.name, param.name, 'wrong type', -32602]);
              if (!param.required) continue;
              const { [param.name]: _removed, ...without } = params;
              const missing = await call(method.name, without);
              expect([method.name, param.name, 'missing', code(missing)]).toEqual([method.name, param.name, 'missing', -32602]);
            }
          }
        }
      }),
      { numRuns: 8 },
    );
    // Everyone else is still served.
    expect(await callWs('order.ping', [])).toMatchObject({ result: 'pong' });
  });
});
