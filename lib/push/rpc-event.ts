/**
 * A subscription value tagged with an event id. The id is sent as
 * `params.eventId`; a client that reconnects passes the last one it saw as
 * `lastEventId` when it subscribes again, and the handler replays from there.
 *
 * @publicApi
 */
export class RpcEvent<T = unknown> {
  constructor(
    readonly value: T,
    readonly eventId: string | number,
  ) {}
}

/**
 * Emitted by a resumable subscription that cannot replay everything after the
 * client's `lastEventId` (its window no longer has it): sent as
 * `{ subscription, gap: missed | true }` so the client knows it resumed with a gap.
 *
 * @publicApi
 */
export class RpcGap {
  /** Tells it apart by type too (the client's typed proxy drops it from a stream's values). */
  readonly rpcGap = true as const;

  constructor(
    /** How many events were lost, when known. */
    readonly missed?: number,
  ) {}
}
