// What a figure was measured on, printed with every run: on a shared machine the load
// average is the first thing to look at before trusting a number.

import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export function machineSummary(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const memGiB = (totalmem() / 2 ** 30).toFixed(1);
  return `${availableParallelism()} cores (${cpu}), ${memGiB} GiB, Node ${process.version}`;
}

export function loadSummary(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}
