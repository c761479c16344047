import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { JsonRpcExecutionContext } from '../../lib/index.js';
import type { Role, User } from './users.js';

export const ROLES_KEY = 'order-desk:roles';

/** Only users with one of these roles may call the method. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated user of this call. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): User => JsonRpcExecutionContext.create(context).getContext<User>().principal!,
);
