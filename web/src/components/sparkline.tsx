import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { SPARK_HEIGHT as HEIGHT, SPARK_WIDTH as WIDTH, sparkPoints } from '../sparkline-points';
import type { TokenUsage } from '../types';

/**
 * Requests per day over the last 90 days, as a line in an inline SVG (attributes, not style:
 * the page's CSP forbids inline styles). The numbers are in the accessible name.
 */
export function Sparkline({ usage, label }: { usage: TokenUsage; label: string }) {
  const counts = usage.days.map((day) => day.requests);
  const total = counts.reduce((sum, n) => sum + n, 0);
  const last7 = counts.slice(-7).reduce((sum, n) => sum + n, 0);
  const name = `${label}: ${total} requests in 90 days, ${last7} in the last 7`;
  return (
    <svg
      class="sparkline"
      role="img"
      aria-label={name}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
    >
      <title>{name}</title>
      <polyline points={sparkPoints(counts)} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

/** Loads a token's usage and draws it; quiet on failure (the table is what matters). */
export function UsageSparkline({ url, label }: { url: string; label: string }) {
  const [usage, setUsage] = useState<TokenUsage>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    api<TokenUsage>('GET', url)
      .then((answer) => current && setUsage(answer))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [url]);
  if (failed) return <span class="muted">—</span>;
  if (!usage) return <span class="muted">…</span>;
  return <Sparkline usage={usage} label={label} />;
}
