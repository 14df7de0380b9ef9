import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { TokenUsage } from '../types';

const WIDTH = 90;
const HEIGHT = 20;

/** The points of a line through the counts, scaled to the box (the top is the busiest day). */
export function sparkPoints(counts: readonly number[], width = WIDTH, height = HEIGHT): string {
  if (counts.length === 0) return '';
  const max = Math.max(1, ...counts);
  const step = counts.length > 1 ? width / (counts.length - 1) : 0;
  return counts
    .map((count, i) => {
      const x = Math.round(i * step * 10) / 10;
      const y = Math.round((height - 1 - (count / max) * (height - 2)) * 10) / 10;
      return `${x},${y}`;
    })
    .join(' ');
}

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
