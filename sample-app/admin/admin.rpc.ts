import { JsonRpcServer, RpcMethod, RpcParams, RpcService, type JsonRpcInspection } from '../../lib/index.js';
import { Roles } from '../auth/auth.decorators.js';
import { DisconnectUserDto } from './dto/disconnect-user.dto.js';

/**
 * The operator's panel (`/admin`) reads and acts through these, like any
 * other client: over JSON-RPC, admin role only (class-level `@Roles`).
 */
@RpcService('admin')
@Roles('admin')
export class AdminRpc {
  constructor(private readonly rpc: JsonRpcServer) {}

  @RpcMethod({ description: 'Open connections, topics, call rates and slow calls of this node (admin only)' })
  inspect(): JsonRpcInspection {
    return this.rpc.inspect();
  }

  @RpcMethod({ description: "Log a user out: closes all of the user's sockets (4004) (admin only)", paramNames: ['user'] })
  disconnect(@RpcParams() { user }: DisconnectUserDto): { closed: number } {
    return { closed: this.rpc.disconnect({ principal: user }, 'Logged out by an operator') };
  }
}
