// The operator's panel at `/admin`: `admin.inspect` (JsonRpcServer.inspect()) once a second, and logout per user.
import type { JsonRpcClient } from '../../../lib/client/index.js';
import type { JsonRpcInspection } from '../../../lib/interfaces/json-rpc-inspection.interface.js';
import { $, connect, describeError, el, message, whenSignedIn } from './session.js';

const age = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

function rows(selector: string, cells: string[][], action?: (index: number) => HTMLElement | undefined): void {
  $(`${selector} tbody`).replaceChildren(
    ...cells.map((texts, index) => {
      const row = el('tr');
      for (const text of texts) row.append(el('td', text));
      const extra = action?.(index);
      if (extra) {
        const cell = el('td');
        cell.append(extra);
        row.append(cell);
      }
      return row;
    }),
  );
}

async function logout(client: JsonRpcClient, user: string): Promise<void> {
  try {
    const { closed } = await client.call<{ closed: number }>('admin.disconnect', { user });
    message(`${user} logged out: ${closed} socket(s) closed with 4004`, 'info');
  } catch (error) {
    message(describeError('admin.disconnect', error), 'error');
  }
}

function show(client: JsonRpcClient, snapshot: JsonRpcInspection): void {
  const { connections, topics, calls, slowCalls } = snapshot;
  $('#node-summary').textContent = `(${connections.length} on this node)`;
  rows(
    '#connections',
    connections.map((c) => [String(c.principal ?? 'anonymous'), age(c.ageMs), c.topics.join(', '), c.remoteAddress ?? '', c.id.slice(0, 8)]),
    (index) => {
      const user = connections[index]!.principal;
      if (user === undefined) return undefined;
      const button = el('button', 'Disconnect user', 'small danger');
      button.dataset['user'] = String(user);
      button.addEventListener('click', () => void logout(client, String(user)));
      return button;
    },
  );
  for (const [index, row] of [...$('#connections tbody').children].entries()) (row as HTMLElement).dataset['principal'] = String(connections[index]!.principal);
  rows('#topics', topics.map((t) => [t.topic, String(t.members)]));
  rows('#calls', calls.map((c) => [c.method, c.code === 0 ? '0 (ok)' : String(c.code ?? 'any'), String(c.total), c.perSecond.toFixed(1)]));
  rows('#slow', [...slowCalls].reverse().map((s) => [s.at.slice(11, 19), s.method, s.transport, String(s.code), String(s.ms)]));
}

const { token } = await whenSignedIn();
const client = connect(token);
let timer: ReturnType<typeof setInterval> | undefined;
const refresh = async () => {
  try {
    show(client, await client.call<JsonRpcInspection>('admin.inspect', {}, { idempotent: true }));
    $('#panel').hidden = false;
  } catch (error) {
    message(describeError('admin.inspect', error), 'error');
    // A trader is refused for good: stop asking once a second.
    if ((error as { code?: number }).code === -32003) clearInterval(timer);
  }
};
await refresh();
timer = setInterval(() => void refresh(), 1000);
