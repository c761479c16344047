import { ConsoleLogger, Module } from '@nestjs/common';
import { WebSocket } from 'ws';
import { JsonRpcModule, JsonRpcServer } from '../../lib/index.js';
import { closeAction, JsonRpcCloseCode } from '../../lib/protocol/close-codes.js';
import { LimitsRpc } from '../fixtures/protection.rpc.js';
import { postRaw } from '../support/http-client.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { testAuthenticate } from '../support/tokens.js';
import { TestWsClient } from '../support/ws-client.js';

/** Every line the app logs, to prove no token ever reaches the logs. */
const logLines: string[] = [];
class CapturingLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string): void {
    for (const message of messages) logLines.push(`${context ?? ''} ${typeof message === 'string' ? message : JSON.stringify(message)}`);
  }
}

@Module({
  imports: [
    JsonRpcModule.forRoot({
      authenticate: testAuthenticate,
      allowedOrigins: ['https://desk.example'],
      limits: { maxConnectionsPerPrincipal: 3 },
    }),
  ],
  providers: [LimitsRpc],
})
class AuthModule {}

let server: TestServer;
beforeAll(async () => {
  server = await startApp(AuthModule, (app) => app.useLogger(new CapturingLogger()));
});
afterAll(() => server.close());

/** Resolves with the HTTP status of a refused upgrade, or 101 when it opens. */
function upgradeStatus(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}, protocols?: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

const call = (method: string, params?: unknown, id: unknown = 1) => JSON.stringify({ jsonrpc: '2.0', method, params, id });

describe('authenticate', () => {
  it('refuses an upgrade without a valid token with 401, before the socket opens', async () => {
    expect(await upgradeStatus(server.wsUrl)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, { headers: { authorization: 'Bearer NOT VALID' } })).toBe(401);
    expect(await upgradeStatus(server.wsUrl, { headers: { authorization: 'Bearer alice' } })).toBe(101);
  });

  it('answers -32001 over HTTP without a valid token', async () => {
    expect((await postRaw(server.httpUrl, call('limits.whoami'))).json).toMatchObject({ error: { code: -32001 }, id: null });
    expect((await postRaw(server.httpUrl, call('limits.whoami'), { authorization: 'Bearer alice' })).json).toMatchObject({ result: { id: 'alice' } });
  });

  it('takes the token from a bearer.<token> subprotocol (browsers) and answers with json-rpc', async () => {
    const socket = new WebSocket(server.wsUrl, ['json-rpc', 'bearer.carol']);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    expect(socket.protocol).toBe('json-rpc');
    const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send(call('limits.whoami'));
    expect(JSON.parse(await reply)).toMatchObject({ result: { id: 'carol' } });
    socket.close();
  });

  it('accepts a single-use ticket issued over HTTP', async () => {
    const ticket = (await postRaw(server.httpUrl, call('limits.ticket'), { authorization: 'Bearer dave' })).json as { result: string };
    const ws = await TestWsClient.connect(`${server.wsUrl}?ticket=${ticket.result}`);
    expect(await ws.request({ jsonrpc: '2.0', method: 'limits.whoami', id: 1 })).toMatchObject({ result: { id: 'dave' } });
    await ws.close();
    expect(await upgradeStatus(`${server.wsUrl}?ticket=${ticket.result}`)).toBe(401);
    const expired = (await postRaw(server.httpUrl, call('limits.ticket', [1]), { authorization: 'Bearer dave' })).json as { result: string };
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await upgradeStatus(`${server.wsUrl}?ticket=${expired.result}`)).toBe(401);
  });

  it('closes the socket with 4002 (reauthenticate) when the principal expires', async () => {
    const ws = await TestWsClient.connect(server.wsUrl, { headers: { authorization: 'Bearer erin:300' } });
    const started = Date.now();
    const closed = await ws.closed;
    expect(closed.code).toBe(JsonRpcCloseCode.AuthenticationExpired);
    expect(closeAction(closed.code)).toBe('reauthenticate');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('keeps the socket past expiry when the client re-authenticates (rpc.authenticate)', async () => {
    const ws = await TestWsClient.connect(server.wsUrl, { headers: { authorization: 'Bearer frank:300' } });
    expect(await ws.request({ jsonrpc: '2.0', method: 'rpc.authenticate', params: ['nobody'], id: 'x' })).toMatchObject({ error: { code: -32001 } });
    expect(await ws.request({ jsonrpc: '2.0', method: 'rpc.authenticate', params: ['frank:5000'], id: 'r' })).toMatchObject({ result: { expiresAt: expect.any(Number) } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await ws.request({ jsonrpc: '2.0', method: 'limits.whoami', id: 2 })).toMatchObject({ result: { id: 'frank' } });
    await ws.close();
  });

  it('disconnect({ principal }) closes every socket of that user with 4004 (stop), and only those', async () => {
    const [a1, a2, b] = await Promise.all([
      TestWsClient.connect(server.wsUrl, { headers: { authorization: 'Bearer gina' } }),
      TestWsClient.connect(server.wsUrl, { headers: { authorization: 'Bearer gina' } }),
      TestWsClient.connect(server.wsUrl, { headers: { authorization: 'Bearer hank' } }),
    ]);
    expect(server.app.get(JsonRpcServer).disconnect({ principal: 'gina' })).toBe(2);
    expect((await a1.closed).code).toBe(JsonRpcCloseCode.LoggedOut);
    expect((await a2.closed).code).toBe(JsonRpcCloseCode.LoggedOut);
    expect(closeAction(JsonRpcCloseCode.LoggedOut)).toBe('stop');
    expect(await b.request({ jsonrpc: '2.0', method: 'limits.whoami', id: 1 })).toMatchObject({ result: { id: 'hank' } });
    await b.close();
  });

  it('limits connections per principal (503), other principals unaffected', async () => {
    const open = await Promise.all([1, 2, 3].map(() => TestWsClient.connect(server.wsUrl, { headers: { authorization: 'Bearer ivan' } })));
    expect(await upgradeStatus(server.wsUrl, { headers: { authorization: 'Bearer ivan' } })).toBe(503);
    expect(await upgradeStatus(server.wsUrl, { headers: { authorization: 'Bearer judy' } })).toBe(101);
    await open[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await upgradeStatus(server.wsUrl, { headers: { authorization: 'Bearer ivan' } })).toBe(101);
    await Promise.all(open.map((ws) => ws.close()));
  });

  it('never logs a token', async () => {
    // Principal ids are logged on connect (debug level, throttled) by design; the token strings never are.
    const wrong = 'zebra-WRONG';
    const valid = 'zebra:987654';
    await upgradeStatus(server.wsUrl, { headers: { authorization: `Bearer ${wrong}` } });
    await postRaw(server.httpUrl, call('limits.whoami'), { authorization: `Bearer ${wrong}` });
    const ws = await TestWsClient.connect(server.wsUrl, { headers: { authorization: `Bearer ${valid}` } });
    await ws.request({ jsonrpc: '2.0', method: 'limits.whoami', id: 1 });
    await ws.close();
    expect(logLines.some((line) => line.includes('authentication failed'))).toBe(true);
    expect(logLines.some((line) => /connect \S+ \(.*, principal \w+\)/.test(line))).toBe(true);
    expect(logLines.filter((line) => line.includes(wrong) || line.includes(valid) || /bearer/i.test(line))).toEqual([]);
  });
});

describe('allowedOrigins', () => {
  it('refuses a foreign Origin with 403; allows the listed one and a missing one', async () => {
    const auth = { authorization: 'Bearer kim' };
    expect(await upgradeStatus(server.wsUrl, { headers: { ...auth, origin: 'https://evil.example' } })).toBe(403);
    expect(await upgradeStatus(server.wsUrl, { headers: { ...auth, origin: 'https://desk.example.evil' } })).toBe(403);
    expect(await upgradeStatus(server.wsUrl, { headers: { ...auth, origin: 'https://desk.example' } })).toBe(101);
    expect(await upgradeStatus(server.wsUrl, { headers: auth })).toBe(101);
  });
});
