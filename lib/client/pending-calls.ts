import type { JsonRpcErrorObject } from '../protocol/json-rpc.types.js';
import { JsonRpcError, RpcAbortedError, RpcTimeoutError } from './client.errors.js';

/** One request waiting for its answer. */
export interface PendingCall {
  readonly id: number;
  readonly method: string;
  /** The serialized request, kept for a re-send after reconnect (idempotent calls) or from the offline queue. */
  readonly text: string;
  readonly idempotent: boolean;
  /** Synchronous hook on success, before the Promise settles (a subscription registers its id here). */
  readonly onResult?: (result: unknown) => void;
  /** A success that arrives after the call timed out or was aborted (a subscription the server opened anyway). */
  readonly onLateResult?: (result: unknown) => void;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Sent on the current connection (as opposed to queued). */
  sent: boolean;
  readonly timeoutMs: number;
  /** The timeout runs only while sent on an open connection (subscribes): waiting to connect does not use it up. */
  readonly timeoutFromSend: boolean;
}

export interface NewCall {
  id: number;
  method: string;
  text: string;
  timeoutMs: number;
  signal?: AbortSignal;
  idempotent?: boolean;
  onResult?: (result: unknown) => void;
  onLateResult?: (result: unknown) => void;
  timeoutFromSend?: boolean;
}

/** Abandoned calls remembered for their late answer; beyond this, the oldest is forgotten. */
const MAX_ABANDONED = 1000;

/**
 * Calls in flight, by id. Every way a call can end (answer, timeout, abort,
 * drop, close) goes through `take`, so each call settles exactly once and its
 * timer and abort listener are always released.
 */
export class PendingCalls {
  private readonly calls = new Map<number, PendingCall>();
  /** Sent calls that timed out or were aborted and want to hear of a late success. */
  private readonly abandoned = new Map<number, (result: unknown) => void>();

  /** `cancel(call)` runs on timeout or abort (sends `rpc.cancel` when the call was sent). */
  constructor(private readonly cancel: (call: PendingCall) => void) {}

  get size(): number {
    return this.calls.size;
  }

  add(spec: NewCall): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call: PendingCall = {
        id: spec.id,
        method: spec.method,
        text: spec.text,
        idempotent: spec.idempotent === true,
        onResult: spec.onResult,
        onLateResult: spec.onLateResult,
        resolve,
        reject,
        timer: undefined,
        signal: spec.signal,
        onAbort: undefined,
        sent: false,
        timeoutMs: spec.timeoutMs,
        timeoutFromSend: spec.timeoutFromSend === true,
      };
      if (spec.signal?.aborted) return reject(new RpcAbortedError(spec.method, spec.signal.reason));
      this.calls.set(spec.id, call);
      if (!call.timeoutFromSend) this.arm(call);
      if (spec.signal) {
        const signal = spec.signal;
        call.onAbort = () => this.end(call, new RpcAbortedError(spec.method, signal.reason));
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
    });
  }

  /** The call went out on the open connection (its send-timed timeout starts now). */
  markSent(call: PendingCall): void {
    call.sent = true;
    if (call.timeoutFromSend && call.timer === undefined) this.arm(call);
  }

  values(): IterableIterator<PendingCall> {
    return this.calls.values();
  }

  get(id: number): PendingCall | undefined {
    return this.calls.get(id);
  }

  /** An answer from the server; unknown ids (late, already timed out) are ignored. */
  settle(id: unknown, result: unknown, error: JsonRpcErrorObject | undefined): boolean {
    const call = typeof id === 'number' ? this.calls.get(id) : undefined;
    if (call === undefined) return this.late(id, result, error);
    this.take(call);
    if (error !== undefined) call.reject(new JsonRpcError(error));
    else {
      call.onResult?.(result);
      call.resolve(result);
    }
    return true;
  }

  /** The answer to a call given up on: a success goes to its `onLateResult`. */
  private late(id: unknown, result: unknown, error: JsonRpcErrorObject | undefined): boolean {
    const onLate = typeof id === 'number' ? this.abandoned.get(id) : undefined;
    if (onLate === undefined) return false;
    this.abandoned.delete(id as number);
    if (error === undefined) onLate(result);
    return true;
  }

  /** Rejects one call (a transport failure that concerns it alone). */
  fail(id: number, error: Error): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.take(call);
    call.reject(error);
  }

  /** The connection dropped: rejects what was sent and is not idempotent; returns the rest (to send again). */
  dropped(error: Error): PendingCall[] {
    this.abandoned.clear(); // nothing late can come on a new connection
    const keep: PendingCall[] = [];
    for (const call of [...this.calls.values()]) {
      if (!call.sent || call.idempotent) {
        call.sent = false;
        if (call.timeoutFromSend) this.disarm(call); // armed again when re-sent
        keep.push(call);
        continue;
      }
      this.take(call);
      call.reject(error);
    }
    return keep;
  }

  /** Rejects every call (the client closed or gave up). */
  rejectAll(error: Error): void {
    this.abandoned.clear();
    for (const call of [...this.calls.values()]) {
      this.take(call);
      call.reject(error);
    }
  }

  private end(call: PendingCall, error: Error): void {
    if (this.calls.get(call.id) !== call) return;
    this.take(call);
    call.reject(error);
    if (call.sent && call.onLateResult) {
      if (this.abandoned.size >= MAX_ABANDONED) this.abandoned.delete(this.abandoned.keys().next().value!);
      this.abandoned.set(call.id, call.onLateResult);
    }
    this.cancel(call);
  }

  private arm(call: PendingCall): void {
    if (call.timeoutMs > 0) call.timer = setTimeout(() => this.end(call, new RpcTimeoutError(call.method, call.timeoutMs)), call.timeoutMs);
  }

  private disarm(call: PendingCall): void {
    clearTimeout(call.timer);
    call.timer = undefined;
  }

  private take(call: PendingCall): void {
    this.calls.delete(call.id);
    this.disarm(call);
    if (call.onAbort) call.signal!.removeEventListener('abort', call.onAbort);
  }
}
