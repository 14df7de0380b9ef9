// Reading real HTTP answers and the metrics page, for tests that talk to a listening server.

/** An answer's headers without those that vary from one answer to the next. */
export function stableHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== 'date' && name !== 'keep-alive' && name !== 'connection') kept[name] = value;
  });
  return kept;
}

/** The value of one series (its name and labels exactly as scraped) on the metrics page; 0 when absent. */
export async function metricValue(base: string, series: string): Promise<number> {
  const text = await (await fetch(`${base}/internal-backstage/prometheus`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ').pop() ?? 0);
}
