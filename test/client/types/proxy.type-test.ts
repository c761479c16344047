// Compiled by `npm test`'s strict type-check (tsc over test/): every
// `@ts-expect-error` below must be an error, or the type-check fails. Never run.
import type { OrdersRpc } from '../../../sample-app/orders/orders.rpc.js';
import type { User } from '../../../sample-app/auth/users.js';
import type { Order, OrderEvent } from '../../../sample-app/orders/order.js';
import type { ClientSubscription, JsonRpcClient, RpcClientOf, RpcParamsOf } from '../../../lib/client/index.js';
import type { ClientTestRpc } from '../fixtures/client.rpc.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => undefined as never;

export async function typeTests(client: JsonRpcClient): Promise<void> {
  // The sample app's OrdersRpc; `@CurrentUser() user: User` is injected, not sent.
  const orders = client.proxy<RpcClientOf<OrdersRpc, User>>('order', 'watch');

  const order = await orders.submit({ symbol: 'ACME', side: 'buy', qty: 1, price: 2 }, { timeoutMs: 1000 });
  assert<Equal<typeof order, Order>>();
  const status = await orders.getStatus({ id: 1 });
  assert<Equal<typeof status, Pick<Order, 'id' | 'status'>>>();
  assert<Equal<Awaited<ReturnType<typeof orders.ping>>, string>>();
  assert<Equal<RpcParamsOf<OrdersRpc['ticket'], User>, undefined>>();

  // @ts-expect-error wrong params: qty must be a number
  await orders.submit({ symbol: 'ACME', side: 'buy', qty: '1', price: 2 });
  // @ts-expect-error wrong params: side is 'buy' | 'sell'
  await orders.submit({ symbol: 'ACME', side: 'hold', qty: 1, price: 2 });
  // @ts-expect-error params missing
  await orders.getStatus();
  // @ts-expect-error wrong result use: an Order has no `total`
  (await orders.submit({ symbol: 'ACME', side: 'buy', qty: 1, price: 2 })).total.toFixed();
  // @ts-expect-error wrong result use: status is a string union, not a number
  const n: number = (await orders.getStatus({ id: 1 })).status;
  void n;
  // @ts-expect-error no such method
  await orders.nope();

  // A subscription: the values of its RpcEvents (the event id travels beside them).
  const watch = orders.watch();
  assert<Equal<typeof watch, ClientSubscription<OrderEvent>>>();
  // @ts-expect-error a subscription is not a Promise
  await orders.watch().then();

  // Without declaring the injected User, `watch` would demand a User as params.
  const unaware = client.proxy<RpcClientOf<OrdersRpc>>('order', 'watch');
  // @ts-expect-error the injected parameter would be taken for the params
  unaware.watch();

  // @ts-expect-error the subscriptions must be named for the runtime
  client.proxy<RpcClientOf<OrdersRpc, User>>('order');
  // @ts-expect-error only subscription names are accepted there
  client.proxy<RpcClientOf<OrdersRpc, User>>('order', 'submit');

  // The test fixture: DTO params, `@RpcCtx()` after the params, Observable streams.
  const t = client.proxy<RpcClientOf<ClientTestRpc>>('t', 'numbers', 'burst', 'broken');
  assert<Equal<Awaited<ReturnType<typeof t.sum>>, number>>();
  assert<Equal<Awaited<ReturnType<typeof t.wait>>, string>>();
  assert<Equal<ReturnType<typeof t.burst>, ClientSubscription<number>>>();
  // @ts-expect-error sum's params are a SumDto
  await t.sum({ a: 1 });
  // @ts-expect-error the context is injected: `me` takes no params
  await t.me({ transport: 'ws' });
  await t.me();
}
