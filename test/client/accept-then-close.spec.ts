import { ConnectionClosedError, JsonRpcCloseCode } from '../../lib/client/index.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { testAuthenticate } from '../support/tokens.js';
import { clientTestModule } from './fixtures/client.rpc.js';
import { closeAll, reach, recordStates, wsClient } from './client-support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startApp(clientTestModule({ authenticate: testAuthenticate, acceptThenClose: true }));
});
afterAll(() => server.close());
afterEach(() => closeAll());

it('acceptThenClose: a refused token closes 4001; the client retries once, then stops', async () => {
  let asked = 0;
  const client = wsClient(server.wsUrl, { auth: () => (asked++, 'Refused-token'), reconnect: { baseDelayMs: 1, maxDelayMs: 1 } });
  const states = recordStates(client);
  const errors: Error[] = [];
  client.on('error', (e) => errors.push(e));
  await reach(client, 'closed');
  expect(asked).toBe(2);
  expect((errors[0] as ConnectionClosedError).closeCode).toBe(JsonRpcCloseCode.Unauthorized);
  console.log(states);
});

it('expiry closes 4002 and the client reconnects once with fresh credentials', async () => {
  const tokens = ['gina:300', 'gina:60000'];
  const client = wsClient(server.wsUrl, { auth: () => tokens.shift(), tokenIn: 'header' });
  await reach(client, 'open');
  await reach(client, 'reconnecting');
  await reach(client, 'open');
  expect(await client.call('t.me')).toMatchObject({ id: 'gina' });
});
