import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { BacklogState, isBacklogged, type BacklogLimits } from './backlog.js';
import type { SweptOutbox } from './backlog-sweep.js';
import { currentTurn } from './send-turn.js';
import { tcpSocketOf } from './socket-cork.js';

/** The outbound limits of one connection. */
export interface OutboxLimits extends BacklogLimits {
  maxBufferedBytes: number;
}

/** Frames (and bytes) one connection writes per event-loop turn; the rest waits for the next turn. */
export const FRAMES_PER_TURN = 512;
export const BYTES_PER_TURN = 512 * 1024;

type Frame = string | Buffer;

/** The connection, for what the outbox cannot decide alone: closing a peer that does not read, and the backlog sweep. */
export interface OutboxOwner {
  overflowed(code: JsonRpcCloseCode, reason: string): void;
  /** Puts the outbox in the backlog sweep (reached through the owner: one field less per outbox). */
  watchBacklog(outbox: SweptOutbox): void;
}

/** Memory a frame holds: a string's length is its size in V8 (one byte per char, two for wide ones). */
const sizeOf = (frame: Frame): number => (typeof frame === 'string' ? frame.length : frame.byteLength);

/** Module-level, not a closure per outbox: a large fleet holds one outbox per connection. */
const flushLater = (outbox: Outbox): void => outbox.flushQueued();

function uncork(outbox: Outbox, raw: Socket): void {
  outbox.corked = false;
  raw.uncork();
}

/**
 * Everything a connection sends goes through here, for three bounds:
 * - per turn: at most FRAMES_PER_TURN frames / BYTES_PER_TURN bytes are written
 *   per event-loop turn; the rest is queued and written on the next turns, so a
 *   burst (100 replaying subscriptions) never blocks other connections;
 * - slow consumer (BacklogState): backlogged too long while frames that may not
 *   be dropped keep coming: close 4009. Drop-oldest subscriptions hold back
 *   while backlogged and are released here once the backlog is gone;
 * - hard ceiling: a frame that would take the waiting bytes over
 *   `maxBufferedBytes` closes the connection at once (4009), whatever the grace.
 */
export class Outbox implements SweptOutbox {
  private queue: Frame[] | undefined = undefined;
  private head = 0;
  private queuedBytes = 0;
  private flushScheduled = false;
  private turn = -1;
  private framesInTurn = 0;
  private bytesInTurn = 0;
  /** Exists while backlogged: a connection that keeps up carries none. */
  private backlog: BacklogState | undefined = undefined;
  /** Drop-oldest subscriptions waiting for the backlog to clear. */
  private heldBack: Set<() => void> | undefined = undefined;
  private flushingHeldBack = false;
  /** Work waiting for an idle outbox (subscription starts), one per turn. */
  private idleTasks: Array<() => void> | undefined = undefined;
  /** In the sweep's set (backlogged or holding values back). */
  private swept = false;
  corked = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: OutboxLimits,
    private readonly owner: OutboxOwner,
  ) {}

  private get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Bytes waiting: in the socket and in our queue. */
  get waitingBytes(): number {
    return this.socket.bufferedAmount + this.queuedBytes;
  }

  get backlogged(): boolean {
    return isBacklogged(this.limits, this.waitingBytes);
  }

  /** This turn's budget is spent or frames are queued: new work should wait. */
  get busy(): boolean {
    return this.queue !== undefined || !this.hasBudget();
  }

  /** False when not sent: the socket is closed, or this frame closed it (ceiling, slow consumer). */
  send(frame: Frame): boolean {
    if (!this.open) return false;
    const size = sizeOf(frame);
    const waiting = this.waitingBytes;
    if (waiting + size > this.limits.maxBufferedBytes) {
      this.owner.overflowed(JsonRpcCloseCode.SlowConsumer, 'Send buffer full');
      return false;
    }
    if (isBacklogged(this.limits, waiting)) (this.backlog ??= new BacklogState(this.limits)).strictFrame(waiting);
    if (this.applyBacklogPolicy(waiting)) return false;
    if (this.queue === undefined && this.take(size)) this.write(frame);
    else this.enqueue(frame, size);
    // Over the threshold once this frame counts: the sweep watches it until clear.
    if (waiting + size > this.limits.slowConsumerBytes) this.watchBacklog();
    return true;
  }

  /**
   * Acts on the backlog (on every send, and from the backlog sweep, since a
   * backlog that stopped growing still counts): releases held-back values once
   * it is gone, closes a slow consumer. True when it closed the connection.
   */
  private applyBacklogPolicy(waiting = this.waitingBytes): boolean {
    if (!isBacklogged(this.limits, waiting)) {
      this.backlog = undefined; // 'clear' resets the state: a fresh one is the same
      this.flushHeldBack();
      return false;
    }
    if ((this.backlog ??= new BacklogState(this.limits)).verdict(waiting) !== 'overdue') return false;
    this.owner.overflowed(JsonRpcCloseCode.SlowConsumer, 'Slow consumer');
    return true;
  }

  /** @internal the sweep's check: true while there is still a backlog or a held-back value to act on. */
  recheck(): boolean {
    const closed = !this.open || this.applyBacklogPolicy();
    this.swept = !closed && (this.backlogged || (this.heldBack?.size ?? 0) > 0);
    return this.swept;
  }

  holdBack(flush: () => void): void {
    (this.heldBack ??= new Set()).add(flush);
    this.watchBacklog();
  }

  release(flush: () => void): void {
    this.heldBack?.delete(flush);
  }

  /** Runs `task` now if the outbox is idle, else once the queue has drained (one task per turn). */
  whenIdle(task: () => void): void {
    if (!this.busy && !this.idleTasks?.length) return task();
    (this.idleTasks ??= []).push(task);
    this.scheduleFlush();
  }

  /** Frees what is queued (the connection is closing). */
  discard(): void {
    this.queue = undefined;
    this.head = 0;
    this.queuedBytes = 0;
    this.heldBack?.clear();
    this.idleTasks = undefined;
  }

  private watchBacklog(): void {
    if (this.swept) return;
    this.swept = true;
    this.owner.watchBacklog(this);
  }

  private flushHeldBack(): void {
    if (this.flushingHeldBack || !this.heldBack?.size) return;
    this.flushingHeldBack = true;
    try {
      for (const flush of [...this.heldBack]) flush();
    } finally {
      this.flushingHeldBack = false;
    }
  }

  private hasBudget(): boolean {
    const turn = currentTurn();
    if (turn !== this.turn) {
      this.turn = turn;
      this.framesInTurn = 0;
      this.bytesInTurn = 0;
    }
    return this.framesInTurn < FRAMES_PER_TURN && this.bytesInTurn < BYTES_PER_TURN;
  }

  private take(size: number): boolean {
    if (!this.hasBudget()) return false;
    this.framesInTurn++;
    this.bytesInTurn += size;
    return true;
  }

  private enqueue(frame: Frame, size: number): void {
    (this.queue ??= []).push(frame);
    this.queuedBytes += size;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(flushLater, this);
  }

  /** @internal the queued frames' turn (scheduled by scheduleFlush). */
  flushQueued(): void {
    this.flushScheduled = false;
    if (!this.open) return this.discard();
    const queue = this.queue;
    if (queue) {
      while (this.head < queue.length && this.take(sizeOf(queue[this.head]!))) {
        const frame = queue[this.head]!;
        queue[this.head++] = '';
        this.queuedBytes -= sizeOf(frame);
        this.write(frame);
      }
      if (this.head < queue.length) {
        // Compact now and then: shift() on a long array is a copy each time.
        if (this.head > 1024 && this.head * 2 > queue.length) {
          queue.splice(0, this.head);
          this.head = 0;
        }
        return this.scheduleFlush();
      }
      this.queue = undefined;
      this.head = 0;
    }
    while (this.idleTasks?.length && !this.busy) this.idleTasks.shift()!();
    if (this.idleTasks?.length) this.scheduleFlush();
  }

  /**
   * Frames written in one tick leave in one write (socket-cork.ts says why).
   * The first frame of a turn is not corked: `ws` writes it at once, so a
   * fan-out's one frame per socket leaves during the loop, not after it.
   */
  private write(frame: Frame): void {
    if (!this.corked && this.framesInTurn > 1) {
      const raw = tcpSocketOf(this.socket);
      if (raw) {
        this.corked = true;
        raw.cork();
        process.nextTick(uncork, this, raw);
      }
    }
    this.socket.send(frame, { binary: false });
  }
}
