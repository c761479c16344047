import { RpcMethod, RpcService } from '../../lib/index.js';
import { CurrentUser } from './auth.decorators.js';
import type { User } from './users.js';

@RpcService('session')
export class SessionRpc {
  /** Who the token belongs to: the pages show it and hide what the role may not use. */
  @RpcMethod({ description: 'The signed-in user and roles' })
  me(@CurrentUser() user: User): User {
    return { id: user.id, roles: user.roles };
  }
}
