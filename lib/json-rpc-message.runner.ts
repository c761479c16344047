import { Inject, Injectable } from '@nestjs/common';
import type { CallOrigin } from './context/call-origin.js';
import type { ResolvedJsonRpcOptions } from './interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from './json-rpc.constants.js';
import { JsonRpcDispatcher } from './json-rpc.dispatcher.js';
import { JsonRpcTracing } from './metrics/json-rpc.tracing.js';
import { parseMessage } from './protocol/parse-message.js';
import { processMessage } from './protocol/process-message.js';
import type { AfterAnswer } from './push/subscription.starter.js';
import { ShutdownCoordinator } from './shutdown/shutdown.coordinator.js';

/** What one message gave: the text to send (undefined: nothing is owed), then what to run once it is sent. */
export interface MessageOutcome {
  readonly answer: string | undefined;
  /** Subscriptions opened by the message, started after their ids went out. Empty over HTTP. */
  readonly afterAnswer: AfterAnswer;
}

/**
 * One message, a WebSocket frame or an HTTP body, for both transports: the
 * protocol core parses it and runs its calls (batch order, size budget) with
 * the dispatcher as the executor of each call; the shutdown owner counts it
 * while it runs. The transport sends the answer.
 */
@Injectable()
export class JsonRpcMessageRunner {
  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly dispatcher: JsonRpcDispatcher,
    private readonly shutdown: ShutdownCoordinator,
    private readonly tracing: JsonRpcTracing,
  ) {}

  /** Never rejects: every failure is an answer. */
  async run(text: string, origin: CallOrigin): Promise<MessageOutcome> {
    this.shutdown.enter();
    try {
      const afterAnswer: AfterAnswer = [];
      const parsed = parseMessage(text, this.options.limits);
      // Only a WebSocket peer answers server -> client requests.
      const peer = origin.transport === 'ws' ? origin : undefined;
      const { calls } = origin;
      const run = () =>
        processMessage(
          parsed,
          (call) => this.dispatcher.execute(call, origin, afterAnswer),
          peer && ((response) => peer.receive(response)),
          this.options.limits.maxResponseBytes,
          calls && (() => calls.whenCapacity()), // a WS batch runs at most maxInFlightPerConnection calls at once
        );
      const answer = await (this.tracing.enabled && parsed.kind === 'batch' ? this.tracing.batch(parsed.items.length, run) : run());
      return { answer, afterAnswer };
    } finally {
      this.shutdown.left();
    }
  }
}
