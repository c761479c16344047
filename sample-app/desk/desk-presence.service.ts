import { Injectable } from '@nestjs/common';
import type { JsonRpcConnection, OnRpcConnect } from '../../lib/index.js';
import { DESK_TOPIC } from './fulfilment.service.js';

/** Every WebSocket client joins the desk topic and sees every fill. */
@Injectable()
export class DeskPresence implements OnRpcConnect {
  async onRpcConnect(connection: JsonRpcConnection): Promise<void> {
    await connection.join(DESK_TOPIC);
  }
}
