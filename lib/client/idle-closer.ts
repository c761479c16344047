/**
 * `idleCloseMs`: closes a socket nothing uses (no call in flight, no
 * subscription) after that long; the next call opens it again. Each use
 * restarts the wait.
 */
export class IdleCloser {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly idleMs: number | undefined,
    private readonly inUse: () => boolean,
    private readonly closeIdle: () => void,
  ) {}

  touch(): void {
    if (!this.idleMs) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.inUse() ? this.touch() : this.closeIdle()), this.idleMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
