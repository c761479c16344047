import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { JsonRpcExecutionContext } from '../../lib/index.js';
import type { Role, User } from './users.js';

export const ROLES_KEY = 'order-desk:roles';
export const PUBLIC_KEY = 'order-desk:public';

/** Only users with one of these roles may call the method. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No token needed. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The user the AuthGuard resolved for this call. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): User => userOf(JsonRpcExecutionContext.create(context).getContext().request),
);

const USER = Symbol('order-desk:user');
type WithUser = { [USER]?: User };

export function userOf(request: object): User {
  return (request as WithUser)[USER]!;
}

export function setUser(request: object, user: User): void {
  (request as WithUser)[USER] = user;
}
