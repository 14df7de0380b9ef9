// One autocannon run against one target. Anything but a 2xx answer fails the benchmark: a
// figure for 401s or 409s measures the error path, not the scenario it is labelled with.

import autocannon, { type Request, type Result } from 'autocannon';

export interface LoadSettings {
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /**
   * The target's CPU time per answered request in µs, where it can be read: unlike req/s it
   * barely moves when other work shares the machine (the load generator included).
   */
  cpuUsPerRequest?: number;
}

export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

// Well above the slowest scenario's latency (login, queued behind scrypt): a timeout here
// means the target stalled, and it is reported as such.
const TIMEOUT_SEC = 30;

function statusSummary(result: Result): string {
  const stats = result.statusCodeStats ?? {};
  return Object.entries(stats)
    .map(([code, stat]) => `${code}: ${stat.count ?? 0}`)
    .join(', ');
}

export async function runLoad(
  label: string,
  url: string,
  requests: Request[],
  settings: LoadSettings,
  cpuMs?: () => number | undefined,
): Promise<LoadResult> {
  const cpuBefore = cpuMs?.();
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.durationSec,
    timeout: TIMEOUT_SEC,
    requests,
  });
  const failed = result.non2xx > 0 || result.errors > 0 || result.timeouts > 0;
  if (!failed && result['2xx'] === 0) {
    throw new BenchFailure(
      `${label}: no request completed within ${settings.durationSec} s; this scenario needs a longer run.`,
    );
  }
  if (failed) {
    throw new BenchFailure(
      `${label}: ${result['2xx']} ok, ${result.non2xx} non-2xx (${statusSummary(result)}), ` +
        `${result.errors} errors, ${result.timeouts} timeouts. Not a valid measurement.`,
    );
  }
  const cpuAfter = cpuMs?.();
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    ...(cpuBefore !== undefined &&
      cpuAfter !== undefined && {
        cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1000) / result['2xx'],
      }),
  };
}
