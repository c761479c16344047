import type { JsonRpcClientOptions, JsonRpcCredentials } from './client-options.interface.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps a live socket authenticated: `reauthenticateBeforeMs` before the
 * token's `expiresAt`, asks `auth()` for a fresh one and sends it with
 * `rpc.authenticate`, so the server renews the principal without a reconnect
 * (subscriptions stay). A failed renewal is left to the server's close (4002),
 * which the link answers with one reconnect on fresh credentials.
 */
export class Reauthenticator {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: JsonRpcClientOptions,
    private readonly renew: (token: string) => Promise<{ expiresAt?: number | null }>,
  ) {}

  schedule(credentials: JsonRpcCredentials | undefined): void {
    this.cancel();
    const expiresAt = typeof credentials === 'object' ? credentials.expiresAt : undefined;
    if (expiresAt === undefined || !this.options.auth) return;
    const delay = Math.max(0, expiresAt - Date.now() - (this.options.reauthenticateBeforeMs ?? 10_000));
    this.timer = setTimeout(() => void this.run(), Math.min(delay, MAX_TIMER_MS));
    (this.timer as { unref?: () => void }).unref?.();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    try {
      const fresh = await this.options.auth!();
      const token = typeof fresh === 'string' ? fresh : fresh?.token;
      if (token === undefined) return;
      const answer = await this.renew(token);
      const expiresAt = typeof fresh === 'object' && fresh.expiresAt !== undefined ? fresh.expiresAt : (answer?.expiresAt ?? undefined);
      this.schedule(expiresAt === undefined ? undefined : { token, expiresAt });
    } catch {
      // The server closes with 4002 at expiry; the link reconnects once with fresh credentials.
    }
  }
}
