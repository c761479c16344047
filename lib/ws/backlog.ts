/** The slow-consumer bounds of one connection. */
export interface BacklogLimits {
  /** Over this many bytes waiting (socket + queue), the connection is backlogged. */
  slowConsumerBytes: number;
  /** Backlogged this long while frames that may not be dropped keep coming: a slow consumer. */
  slowConsumerMs: number;
}

/** Over `slowConsumerBytes` waiting: the one test of being backlogged. */
export function isBacklogged(limits: BacklogLimits, waitingBytes: number): boolean {
  return waitingBytes > limits.slowConsumerBytes;
}

/** What the backlog means now: nothing, hold drop-oldest values back, or close the connection. */
export type BacklogVerdict = 'clear' | 'backlogged' | 'overdue';

/**
 * The slow-consumer rule as a pure state: fed the bytes waiting and the time,
 * it says what they mean and does nothing. The outbox acts on the verdict.
 * Only frames that may not be dropped make a backlog overdue: drop-oldest
 * subscriptions hold back instead, so their backlog alone never closes.
 */
export class BacklogState {
  /** Since when the connection has been backlogged; 0 when it is not. */
  private since = 0;
  /** A frame that may not be dropped was sent behind the backlog. */
  private strictWaiting = false;

  constructor(private readonly limits: BacklogLimits) {}

  /** A frame that may not be dropped is about to be sent with `waitingBytes` ahead of it. */
  strictFrame(waitingBytes: number): void {
    if (isBacklogged(this.limits, waitingBytes)) this.strictWaiting = true;
  }

  /** `now` is only read while backlogged: the common case costs a comparison. */
  verdict(waitingBytes: number, now: () => number = Date.now): BacklogVerdict {
    if (!isBacklogged(this.limits, waitingBytes)) {
      this.since = 0;
      this.strictWaiting = false;
      return 'clear';
    }
    const time = now();
    if (this.since === 0) this.since = time;
    return this.strictWaiting && time - this.since >= this.limits.slowConsumerMs ? 'overdue' : 'backlogged';
  }
}
