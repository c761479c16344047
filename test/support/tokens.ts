import type { JsonRpcAuthenticate, JsonRpcPrincipal } from '../../lib/index.js';

/** Test tokens: "<id>" or "<id>:<ms until expiry>". Anything else is refused. */
export const testAuthenticate: JsonRpcAuthenticate = (_request, token) => {
  if (token === undefined || !/^[a-z]+(:\d+)?$/.test(token)) return undefined;
  const [id, ttl] = token.split(':');
  const principal: JsonRpcPrincipal = { id: id! };
  if (ttl !== undefined) principal.expiresAt = Date.now() + Number(ttl);
  return principal;
};
