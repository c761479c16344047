// Shared by the three pages: sign-in with a demo token, the WebSocket client,
// the connection indicator and plain-language JSON-RPC errors. Browser code:
// bundled by build-web.mjs with the library's client (lib/client).
import { ConnectionClosedError, JsonRpcClient, JsonRpcError, type JsonRpcClientState } from '../../../lib/client/index.js';

const TOKEN_KEY = 'order-desk.token';

/** What a code means for the person looking at the page. */
const EXPLAIN: Record<number, string> = {
  [-32001]: 'you are not signed in, or the token is unknown',
  [-32003]: 'your role may not call this method (it is guarded per method on the server)',
  [-32004]: 'it does not exist, or it is not yours',
  [-32009]: 'it is no longer in a state that allows this',
  [-32029]: 'too many calls: slow down a little',
  [-32601]: 'the server has no such method',
  [-32602]: 'some fields are not valid',
  [-32603]: 'the server failed; try again',
};

export const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => document.querySelector<T>(selector)!;

export function el(tag: string, text = '', className = ''): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** The page's status line `#message`: what just happened, or why it failed. */
export function message(text: string, kind: 'error' | 'info' = 'info'): void {
  const box = $('#message');
  box.textContent = text;
  box.dataset['kind'] = kind;
}

/** "order.all refused (-32003 Forbidden): your role may not call this method ...". */
export function describeError(method: string, error: unknown): string {
  if (error instanceof JsonRpcError) {
    const why = EXPLAIN[error.code];
    return `${method} refused (${error.code} ${error.message})${why ? `: ${why}` : ''}`;
  }
  if (error instanceof ConnectionClosedError) return `${method} was interrupted: the connection closed (${error.closeCode}); it may or may not have run`;
  return `${method} failed: ${error instanceof Error ? error.message : String(error)}`;
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Checks the token over HTTP first: a refused WebSocket upgrade looks like a network drop to a browser. */
export async function signIn(token: string): Promise<Me> {
  const me = await httpClient(token).call<Me>('session.me');
  sessionStorage.setItem(TOKEN_KEY, token);
  return me;
}

export interface Me {
  id: string;
  roles: string[];
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
}

/** An HTTP client with the same token, for pages that call without a socket. */
export function httpClient(token: string): JsonRpcClient {
  return new JsonRpcClient({ url: `${location.origin}/rpc`, auth: () => token });
}

const LABELS: Record<JsonRpcClientState, string> = {
  idle: 'idle',
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  closed: 'offline',
};

/**
 * The page's WebSocket client, bound to the indicator `#conn`: its
 * `data-state` is the client's state and its text says why it stopped.
 */
export function connect(token: string): JsonRpcClient {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = new JsonRpcClient({
    url: `${protocol}//${location.host}/rpc`,
    auth: () => token,
    // A desk should come back quickly after a server restart: at most 2 s between attempts.
    reconnect: { baseDelayMs: 200, maxDelayMs: 2000 },
  });
  const indicator = $('#conn');
  const show = (state: JsonRpcClientState, detail = '') => {
    indicator.dataset['state'] = state;
    indicator.textContent = LABELS[state] + (detail ? ` (${detail})` : '');
  };
  show('connecting');
  client.on('state', (state) => show(state));
  client.on('reconnect', ({ attempt, delayMs }) => show('reconnecting', `attempt ${attempt}, in ${Math.round(delayMs)} ms`));
  client.on('error', (error) => show('closed', error.message));
  return client;
}

/**
 * The sign-in form `#signin`: buttons with `data-token`, or a typed token.
 * Resolves with a checked token and its user; shows `#user` and the sign-out button.
 */
export async function whenSignedIn(): Promise<{ token: string; me: Me }> {
  const stored = storedToken();
  const signedIn = (token: string, me: Me) => {
    $('#user').textContent = `${me.id} (${me.roles.join(', ')})`;
    $('#signout').hidden = false;
    $('#signout').addEventListener('click', signOut);
    return { token, me };
  };
  if (stored) {
    try {
      return signedIn(stored, await signIn(stored));
    } catch {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }
  const form = $<HTMLFormElement>('#signin');
  const error = $('#signin-error');
  form.hidden = false;
  return new Promise((resolve) => {
    const attempt = async (token: string) => {
      error.textContent = '';
      try {
        const me = await signIn(token);
        form.hidden = true;
        resolve(signedIn(token, me));
      } catch (failure) {
        error.textContent = describeError('sign-in', failure);
      }
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
      void attempt(submitter?.dataset['token'] ?? $<HTMLInputElement>('#token').value.trim());
    });
  });
}
