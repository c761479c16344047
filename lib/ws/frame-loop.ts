import { Logger } from '@nestjs/common';
import type { WsCallOrigin } from '../context/call-origin.js';
import type { JsonRpcMessageRunner } from '../json-rpc-message.runner.js';

/** Where the inbound gate hands the frames it lets in. */
export interface FrameSink {
  frame(origin: WsCallOrigin, text: string): void;
}

/**
 * The frame loop of every connection: a frame the inbound gate let in runs as
 * one message, its answer goes out on the same connection, and only then do
 * the subscriptions it opened start (their first value must follow their id).
 */
export class FrameLoop implements FrameSink {
  private readonly logger = new Logger('JsonRpc');

  constructor(private readonly messages: JsonRpcMessageRunner) {}

  frame(origin: WsCallOrigin, text: string): void {
    this.messages.run(text, origin).then(
      ({ answer, afterAnswer }) => {
        if (answer !== undefined) origin.connection.send(answer);
        for (const start of afterAnswer) start();
      },
      (error: unknown) => this.logger.error(error), // not expected: run() answers every failure
    );
  }
}
