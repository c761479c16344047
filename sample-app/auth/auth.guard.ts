import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { JsonRpcExecutionContext } from '../../lib/index.js';
import { PUBLIC_KEY, ROLES_KEY, setUser } from './auth.decorators.js';
import { type Role, userForToken } from './users.js';

/**
 * The token comes from `Authorization: Bearer <token>` (HTTP, Node clients) or,
 * since browsers cannot set headers on a WebSocket, from `?token=` on the URL.
 */
function tokenOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const query = request.url?.split('?')[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get('token') ?? undefined);
}

/** Global guard: a valid token for every method but @Public() ones, and @Roles() per method. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (!JsonRpcExecutionContext.isJsonRpc(context)) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const { request } = JsonRpcExecutionContext.create(context).getContext();
    const user = userForToken(tokenOf(request));
    if (!user) throw new UnauthorizedException('A valid token is required');
    setUser(request, user);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    return roles === undefined || roles.some((role) => user.roles.includes(role));
  }
}
