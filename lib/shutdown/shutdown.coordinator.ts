import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { drainBeforeAppClose } from './app-close.hook.js';

/** A part of the library that holds something open while the app drains (the WebSocket transport). */
export interface DrainParticipant {
  /** Draining began: stop periodic work (new calls and upgrades are refused by the coordinator's flag). */
  stopAccepting(): void;
  /** In-flight messages are done (or `drainMs` passed): close what is still open. */
  closeAll(): Promise<void>;
}

/**
 * The one owner of graceful shutdown: whether the app is draining (asked once
 * per HTTP request, per upgrade and per call), how many messages are in
 * flight on both transports, and the drain itself, hooked into `app.close()`.
 */
@Injectable()
export class ShutdownCoordinator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private isDraining = false;
  private inFlight = 0;
  private whenIdle: (() => void) | undefined;
  private readonly participants: DrainParticipant[] = [];
  private drained: Promise<void> | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
  ) {}

  get draining(): boolean {
    return this.isDraining;
  }

  /** A message (WS frame, HTTP body) began: the drain waits for it. */
  enter(): void {
    this.inFlight++;
  }

  left(): void {
    if (--this.inFlight === 0) this.whenIdle?.();
  }

  register(participant: DrainParticipant): void {
    this.participants.push(participant);
  }

  onApplicationBootstrap(): void {
    drainBeforeAppClose(this.adapterHost, () => this.drain());
  }

  /** Fallback when the adapter's beforeClose was not called (no HTTP adapter close path). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /**
   * Graceful shutdown, once: refuse new upgrades and calls (-32099), let the
   * messages in flight finish within `drainMs`, then let each participant
   * close what it holds (the WebSocket transport: 1001 to every socket).
   */
  drain(): Promise<void> {
    this.drained ??= (async () => {
      this.isDraining = true;
      for (const participant of this.participants) participant.stopAccepting();
      await this.idleOrDeadline(this.options.drainMs);
      // One macrotask more: answers are written in promise continuations after their message left.
      await new Promise((resolve) => setImmediate(resolve));
      for (const participant of this.participants) await participant.closeAll();
    })();
    return this.drained;
  }

  private idleOrDeadline(ms: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.whenIdle = done;
    });
  }
}
