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

/** Shorthand for `new RpcEvent(value, eventId)`. */
export function rpcEvent<T>(value: T, eventId: string | number): RpcEvent<T> {
  return new RpcEvent(value, eventId);
}
