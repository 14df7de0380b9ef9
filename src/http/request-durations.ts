// The request-duration histogram, counted here rather than through prom-client: its
// Histogram re-validates and re-hashes the label set on every observe, even through a bound
// child (~3 µs here, 5-10% of a cached-token request), and prom-client has no way to add
// pre-counted buckets. This keeps one small array per (route, method, status) and writes the
// Prometheus text format for it at scrape time: an observe is three Map lookups, a short
// loop and three additions, with no allocation once a series exists.

interface Series {
  labels: string; // `route="…",method="…",status="…"`, escaped once
  counts: Float64Array; // per bucket, not cumulative; the last one is +Inf
  sum: number;
  count: number;
}

/** Prometheus label values: backslash, double quote and newline are escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class RequestDurations {
  readonly #byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds in seconds, ascending. */
    readonly buckets: readonly number[],
  ) {}

  observe(route: string, method: string, status: number, seconds: number): void {
    let byMethod = this.#byRoute.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.#byRoute.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = {
        labels: `route="${escapeLabel(route)}",method="${escapeLabel(method)}",status="${status}"`,
        counts: new Float64Array(this.buckets.length + 1),
        sum: 0,
        count: 0,
      };
      byStatus.set(status, series);
    }
    const buckets = this.buckets;
    let i = 0;
    while (i < buckets.length && seconds > (buckets[i] as number)) i++;
    series.counts[i] = (series.counts[i] as number) + 1;
    series.sum += seconds;
    series.count++;
  }

  /** The metric in the Prometheus text exposition format (version 0.0.4). */
  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const byMethod of this.#byRoute.values()) {
      for (const byStatus of byMethod.values()) {
        for (const s of byStatus.values()) {
          let cumulative = 0;
          this.buckets.forEach((bound, i) => {
            cumulative += s.counts[i] as number;
            lines.push(`${this.name}_bucket{le="${bound}",${s.labels}} ${cumulative}`);
          });
          lines.push(`${this.name}_bucket{le="+Inf",${s.labels}} ${s.count}`);
          lines.push(`${this.name}_sum{${s.labels}} ${s.sum}`);
          lines.push(`${this.name}_count{${s.labels}} ${s.count}`);
        }
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
