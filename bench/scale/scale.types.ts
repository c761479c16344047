// What the scale bench's runners (one process, or a cluster) report per server.
import type { ServerStats } from './stats.util.js';

/** A server's stats and counts, as scale-server.ts answers `stats`. */
export type Stats = ServerStats & { accepted: number; firstAcceptNs: string; lastAcceptNs: string; subscribed: number };

export interface ModeResult {
  mode: string;
  /** Server processes holding the connections (1 without the cluster). */
  workers: number;
  connections: number;
  failed: number;
  errors: Record<string, number>;
  /** Per worker, in cluster mode: how the round-robin spread the sockets. */
  perWorker?: number[];
  rssPerConnKiB: number;
  heapPerConnKiB: number;
  acceptPerSec: number;
  heartbeatCpuPct: number;
  publishFirstMs: number;
  publishLastMs: number;
  publishSentMs: number;
  /** Server CPU (user + system, all workers) of one fan-out, from the frame's arrival to its writes' end: median ms. */
  publishCpuMs: number;
  /** Each round's figures, for the spread behind the medians. */
  rounds: { firstMs: number; lastMs: number; sentMs: number; cpuMs: number }[];
  deliveredAll: boolean;
  storm?: Record<string, unknown>;
}

export const ms = (from: string, to: string): number => Number(BigInt(to) - BigInt(from)) / 1e6;
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
export const sleep = (delay: number): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, delay));

/** The medians of the publish rounds, as ModeResult holds them. */
export function publishMedians(rounds: ModeResult['rounds']): Pick<ModeResult, 'publishFirstMs' | 'publishLastMs' | 'publishSentMs' | 'publishCpuMs' | 'rounds'> {
  const of = (pick: (round: ModeResult['rounds'][number]) => number) => median(rounds.map(pick));
  return { publishFirstMs: of((r) => r.firstMs), publishLastMs: of((r) => r.lastMs), publishSentMs: of((r) => r.sentMs), publishCpuMs: of((r) => r.cpuMs), rounds };
}
