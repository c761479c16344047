import type { JsonRpcAuthenticate, JsonRpcPrincipal } from '../../lib/index.js';

export type Role = 'trader' | 'admin';

/** Who is calling: the principal `authenticate` returns, seen as `ctx.principal`. */
export interface User extends JsonRpcPrincipal {
  readonly id: string;
  readonly roles: readonly Role[];
}

/** Demo users. A real app would verify a signed token (and set `expiresAt` from it). */
const USERS_BY_TOKEN: ReadonlyMap<string, User> = new Map([
  ['alice-token', { id: 'alice', roles: ['trader'] }],
  ['bob-token', { id: 'bob', roles: ['trader'] }],
  ['admin-token', { id: 'admin', roles: ['trader', 'admin'] }],
]);

/** The `authenticate` option: runs on every WebSocket upgrade and every HTTP request. */
export const authenticate: JsonRpcAuthenticate = (_request, token) => (token === undefined ? undefined : USERS_BY_TOKEN.get(token));
