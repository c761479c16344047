// The order desk at `/`: order form, live table from `order.watch`, alerts from the desk topic.
import { JsonRpcError, type JsonRpcClient } from '../../../lib/client/index.js';
import type { Order, OrderEvent, OrderStatus } from '../../orders/order.js';
import { $, connect, describeError, el, message, whenSignedIn } from './session.js';

interface Fill {
  orderId: number;
  owner: string;
  symbol: string;
  side: string;
  qty: number;
  price: number;
}

/** A status only moves forward: a late or replayed event never undoes a fill. */
const RANK: Record<OrderStatus, number> = { open: 0, filled: 1, cancelled: 1 };
const FIELDS = ['symbol', 'side', 'qty', 'price'] as const;

const orders = new Map<number, Order>();
let client: JsonRpcClient;

function render(): void {
  const body = $('#orders tbody');
  const rows = [...orders.values()].sort((a, b) => b.id - a.id).map((order) => {
    const row = el('tr');
    row.dataset['orderId'] = String(order.id);
    row.dataset['status'] = order.status;
    for (const text of [`#${order.id}`, order.symbol, order.side, String(order.qty), order.price.toFixed(2)]) row.append(el('td', text));
    row.append(el('td', order.status, `status status-${order.status}`));
    const actions = el('td');
    if (order.status === 'open') {
      const cancel = el('button', 'Cancel', 'small');
      cancel.addEventListener('click', () => void cancelOrder(order.id));
      actions.append(cancel);
    }
    row.append(actions);
    return row;
  });
  body.replaceChildren(...rows);
  $('#orders-empty').hidden = orders.size > 0;
}

function upsert(order: Order): void {
  const known = orders.get(order.id);
  if (known && RANK[known.status] > RANK[order.status]) return;
  orders.set(order.id, order);
  render();
}

/** The whole list again: after an event for an order this page has not seen (placed elsewhere, or while away). */
async function reload(): Promise<void> {
  for (const order of await client.call<Order[]>('order.list', {}, { idempotent: true })) upsert(order);
}

async function watch(): Promise<void> {
  // By-name params ({}), so the client can add `lastEventId` when it resubscribes after a drop:
  // with no params at all it resubscribes without resuming (`resumed: false`).
  const events = client.subscribe<OrderEvent>('order.watch', {});
  events.on('resubscribed', ({ resumed }) => {
    if (!resumed) void reload();
  });
  void reload();
  for await (const event of events) {
    const known = orders.get(event.orderId);
    if (known) upsert({ ...known, status: event.status });
    else await reload();
  }
}

function alert(fill: Fill): void {
  const strip = $('#alerts');
  const item = el('li', `${fill.owner}: ${fill.side} ${fill.qty} ${fill.symbol} @ ${fill.price} filled (order #${fill.orderId})`);
  item.dataset['orderId'] = String(fill.orderId);
  strip.prepend(item);
  while (strip.children.length > 6) strip.lastElementChild!.remove();
}

/** -32602 `data` is ValidationPipe's messages ("qty must not be less than 1"): each goes next to the field it names. */
function showFieldErrors(messages: unknown): boolean {
  let placed = false;
  for (const text of Array.isArray(messages) ? messages : []) {
    const field = FIELDS.find((name) => String(text).startsWith(`${name} `));
    if (!field) continue;
    const slot = $(`[data-error-for="${field}"]`);
    slot.textContent = slot.textContent ? `${slot.textContent}; ${text}` : String(text);
    placed = true;
  }
  return placed;
}

async function submit(form: HTMLFormElement): Promise<void> {
  for (const slot of form.querySelectorAll('[data-error-for]')) slot.textContent = '';
  const data = new FormData(form);
  // Sent as typed; the server validates (the page does no validation of its own, to show the server's).
  const params = {
    symbol: String(data.get('symbol')),
    side: String(data.get('side')),
    qty: Number(data.get('qty')),
    price: Number(data.get('price')),
  };
  try {
    const order = await client.call<Order>('order.submit', params);
    upsert(order);
    message(`Order #${order.id} placed: ${order.side} ${order.qty} ${order.symbol} @ ${order.price}`);
  } catch (error) {
    const placed = error instanceof JsonRpcError && error.code === -32602 && showFieldErrors(error.data);
    message(describeError('order.submit', error) + (placed ? ' (see the fields)' : ''), 'error');
  }
}

async function cancelOrder(id: number): Promise<void> {
  try {
    upsert(await client.call<Order>('order.cancel', { id }));
    message(`Order #${id} cancelled`);
  } catch (error) {
    message(describeError('order.cancel', error), 'error');
  }
}

async function allOrders(): Promise<void> {
  try {
    const all = await client.call<Order[]>('order.all', {});
    message(`order.all: ${all.length} orders on the desk, from ${new Set(all.map((o) => o.owner)).size} users`);
  } catch (error) {
    message(describeError('order.all', error), 'error');
  }
}

const { token } = await whenSignedIn();
$('#desk').hidden = false;
client = connect(token);
client.on('notification', (method, params) => {
  if (method === 'desk.fill') alert(params as Fill);
});
$<HTMLFormElement>('#order-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void submit(event.target as HTMLFormElement);
});
$('#all-orders').addEventListener('click', () => void allOrders());
void watch().catch((error: unknown) => message(describeError('order.watch', error), 'error'));
