export type Role = 'trader' | 'admin';

export interface User {
  readonly name: string;
  readonly roles: readonly Role[];
}

/** Demo users. A real app would verify a signed token here. */
const USERS_BY_TOKEN: ReadonlyMap<string, User> = new Map([
  ['alice-token', { name: 'alice', roles: ['trader'] }],
  ['bob-token', { name: 'bob', roles: ['trader'] }],
  ['admin-token', { name: 'admin', roles: ['trader', 'admin'] }],
]);

export function userForToken(token: string | undefined): User | undefined {
  return token === undefined ? undefined : USERS_BY_TOKEN.get(token);
}
