import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JsonRpcExecutionContext } from '../../lib/index.js';
import { ROLES_KEY } from './auth.decorators.js';
import type { Role, User } from './users.js';

/**
 * Per-method authorization, exactly as on a controller: `@Roles()` metadata read
 * with Reflector. Who the caller is was settled by `authenticate` already.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (!JsonRpcExecutionContext.isJsonRpc(context)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles === undefined) return true;
    const user = JsonRpcExecutionContext.create(context).getContext<User>().principal;
    return user !== undefined && roles.some((role) => user.roles.includes(role));
  }
}
