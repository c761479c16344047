/** setTimeout's ceiling (~24.8 days); a later expiry is re-armed when reached. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `onExpiry` at an absolute time, however far away (a token may live for months). */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onExpiry: () => void) {}

  /** Replaces any earlier time; `undefined` only clears. */
  set(expiresAt: number | undefined): void {
    this.clear();
    if (expiresAt !== undefined) this.arm(expiresAt);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(expiresAt: number): void {
    const delay = expiresAt - Date.now();
    this.timer = setTimeout(() => (delay > MAX_TIMER_MS ? this.arm(expiresAt) : this.onExpiry()), Math.max(0, Math.min(delay, MAX_TIMER_MS)));
    this.timer.unref();
  }
}
