import { createRequire } from 'node:module';
import { WebSocket } from 'ws';
import { assertSocketCorkable } from '../../lib/ws/socket-cork.js';

const require = createRequire(import.meta.url);

describe('the ws seam (socket-cork.ts)', () => {
  it('holds on the installed ws, which is the 8.x line the seam was checked against', () => {
    const { version } = require('ws/package.json') as { version: string };
    expect(version).toMatch(/^8\./);
    expect(() => assertSocketCorkable()).not.toThrow();
  });

  it('fails loudly when ws no longer keeps its TCP socket as _socket', () => {
    const proto = WebSocket.prototype as unknown as { setSocket: unknown };
    const original = proto.setSocket;
    proto.setSocket = function setSocket(this: { tcp?: unknown }, socket: unknown) {
      this.tcp = socket;
    };
    try {
      expect(() => assertSocketCorkable()).toThrow('no longer keeps its TCP socket as _socket');
    } finally {
      proto.setSocket = original;
    }
  });
});
