// The sparkline's geometry, pure so that it is tested without a browser.

export const SPARK_WIDTH = 90;
export const SPARK_HEIGHT = 20;

/** The points of a line through the counts, scaled to the box (the top is the busiest day). */
export function sparkPoints(
  counts: readonly number[],
  width = SPARK_WIDTH,
  height = SPARK_HEIGHT,
): string {
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
