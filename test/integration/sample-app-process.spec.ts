import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { postRaw } from '../support/http-client.js';
import { buildSampleApp, removeBuild, type SampleAppProcess, startSampleApp } from '../support/sample-app-process.js';

const call = (method: string, params: unknown, id: number) => JSON.stringify({ jsonrpc: '2.0', method, params, id });
const alice = { authorization: 'Bearer alice-token' };

let build: string;
let app: SampleAppProcess | undefined;

beforeAll(async () => {
  build = await buildSampleApp();
}, 120_000);

afterEach(async () => {
  // Whatever a test asserted, a sample app that crashed fails it.
  if (app && app.child.exitCode === null && app.child.signalCode === null) {
    app.child.kill('SIGKILL');
    await app.exited;
  }
  const crash = app?.crash();
  app = undefined;
  expect(crash).toBeUndefined();
});

afterAll(() => removeBuild(build));

/** Sends the headers and the first bytes of a POST, and the rest only when asked: a slow upload. */
function slowUpload(port: number, body: string): { finish(): void; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.write(
    `POST /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer alice-token\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
  );
  socket.write(body.slice(0, 10));
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  socket.on('error', () => undefined);
  return { finish: () => socket.end(body.slice(10)), answer };
}

describe('the sample app as a process (npm start)', () => {
  it('SIGTERM during an HTTP upload: the upload gets a JSON-RPC answer, the process exits cleanly', async () => {
    app = await startSampleApp(build, { FILL_AFTER_MS: '20' }); // the fulfilment timer ticks every 10 ms
    const served = await postRaw(`http://127.0.0.1:${app.port}/rpc`, call('order.submit', ['ACME', 'buy', 1, 2], 1), alice);
    expect(served.json).toMatchObject({ result: { owner: 'alice', status: 'open' } });
    const upload = slowUpload(app.port, call('order.submit', ['SLOW', 'buy', 1, 2], 2));
    await sleep(100); // the request is in the server, its body unfinished
    app.child.kill('SIGTERM');
    await sleep(500); // shutdown runs while the upload holds the HTTP server's close: dozens of fulfilment ticks
    upload.finish();
    const answer = await upload.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: -32099 } });
    const { code, signal } = await app.exited;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(app.stdout()).toContain('stopped');
  }, 30_000);

  it('refuses a non-finite price (1e309) with -32602 and keeps serving', async () => {
    app = await startSampleApp(build);
    const url = `http://127.0.0.1:${app.port}/rpc`;
    const raw = '{"jsonrpc":"2.0","method":"order.submit","params":{"symbol":"INF","side":"buy","qty":1,"price":1e309},"id":1}';
    expect((await postRaw(url, raw, alice)).json).toMatchObject({
      error: { code: -32602, data: { reason: 'params contain a number out of range (JSON has no Infinity)' } },
      id: 1,
    });
    expect((await postRaw(url, call('order.list', {}, 2), alice)).json).toMatchObject({ result: [] });
    expect((await postRaw(url, call('order.submit', ['FIN', 'buy', 1, 1.5], 3), alice)).json).toMatchObject({ result: { price: 1.5 } });
    app.child.kill('SIGTERM');
    await app.exited;
  }, 30_000);
});
