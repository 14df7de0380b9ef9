// Turns measured rounds into the figures the issue asks for and a markdown table.

import type { LoadResult } from './load.js';
import type { PropagationResult } from './propagation.js';
import type { Scenario } from './scenarios.js';
import { median, round } from './stats.js';

/** Whole numbers for fast scenarios, a decimal for slow ones (login runs at a few per second). */
export function rate(value: number): number {
  return value >= 100 ? round(value, 0) : round(value, 1);
}

/** Three decimals, or two significant digits for ratios below 0.01. */
export function ratio(value: number): number {
  return value >= 0.01 ? round(value, 3) : Number(value.toPrecision(2));
}

export interface ScenarioOutcome {
  scenario: Scenario;
  server: LoadResult[];
  baseline: LoadResult[];
  serverRssKiB: number;
}

export interface Summary {
  title: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  rssMiB: number;
  baselineRequestsPerSec: number;
  baselineP99Ms: number;
  ratio: number;
  /** Medians of the server's and the baseline's CPU µs per request, where both were read. */
  cpuUsPerRequest?: number;
  baselineCpuUsPerRequest?: number;
}

function medianCpu(results: readonly LoadResult[]): number | undefined {
  const values = results.flatMap((r) =>
    r.cpuUsPerRequest === undefined ? [] : [r.cpuUsPerRequest],
  );
  return values.length === results.length && values.length > 0 ? median(values) : undefined;
}

/** Medians over the rounds; the ratio is of the two medians measured in this run. */
export function summarise(outcome: ScenarioOutcome): Summary {
  const rps = median(outcome.server.map((r) => r.requestsPerSec));
  const baselineRps = median(outcome.baseline.map((r) => r.requestsPerSec));
  return {
    title: outcome.scenario.title,
    requestsPerSec: rate(rps),
    p50Ms: round(median(outcome.server.map((r) => r.p50Ms))),
    p99Ms: round(median(outcome.server.map((r) => r.p99Ms))),
    rssMiB: round(outcome.serverRssKiB / 1024, 0),
    baselineRequestsPerSec: rate(baselineRps),
    baselineP99Ms: round(median(outcome.baseline.map((r) => r.p99Ms))),
    ratio: ratio(rps / baselineRps),
    cpuUsPerRequest: medianCpu(outcome.server),
    baselineCpuUsPerRequest: medianCpu(outcome.baseline),
  };
}

/** CPU per request as a figure for the table ("–" where it could not be read). */
function cpuCell(value: number | undefined): string | number {
  if (value === undefined) return '–';
  return value >= 100 ? round(value, 0) : round(value, 1);
}

/** The baseline's CPU per request over the server's: the CPU counterpart of the ratio. */
function cpuRatioCell(s: Summary): string | number {
  if (s.cpuUsPerRequest === undefined || s.baselineCpuUsPerRequest === undefined) return '–';
  return ratio(s.baselineCpuUsPerRequest / s.cpuUsPerRequest);
}

export function formatRound(label: string, result: LoadResult): string {
  const cpu =
    result.cpuUsPerRequest === undefined ? '' : `  CPU ${cpuCell(result.cpuUsPerRequest)} µs/req`;
  return `${label.padEnd(34)} ${rate(result.requestsPerSec).toString().padStart(8)} req/s  p50 ${round(result.p50Ms)} ms  p99 ${round(result.p99Ms)} ms${cpu}`;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function standardTable(summaries: readonly Summary[]): string {
  return table(
    [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'server RSS MiB',
      'baseline req/s',
      'baseline p99 ms',
      'ratio to baseline',
      'server CPU µs/req',
      'baseline CPU µs/req',
      'CPU ratio',
    ],
    summaries.map((s) => [
      s.title,
      s.requestsPerSec,
      s.p50Ms,
      s.p99Ms,
      s.rssMiB,
      s.baselineRequestsPerSec,
      s.baselineP99Ms,
      s.ratio,
      cpuCell(s.cpuUsPerRequest),
      cpuCell(s.baselineCpuUsPerRequest),
      cpuRatioCell(s),
    ]),
  );
}

export function propagationTable(result: PropagationResult): string {
  return table(
    ['tokens deleted', 'p50 ms', 'p99 ms', 'max ms', 'still valid on A after delete'],
    [
      [
        result.samplesMs.length,
        round(result.p50Ms, 2),
        round(result.p99Ms, 2),
        round(result.maxMs, 2),
        result.aStillValid,
      ],
    ],
  );
}

export interface ScaleRow {
  tokens: number;
  seedSec: number;
  auth: LoadResult[];
  list: LoadResult[];
  inventory: LoadResult[];
  serverRssKiB: number;
}

export function scaleTable(rows: readonly ScaleRow[]): string {
  const m = (results: readonly LoadResult[], pick: (r: LoadResult) => number, digits = 1) =>
    round(median(results.map(pick)), digits);
  return table(
    [
      'tokens in database',
      'seed s',
      'auth req/s',
      'auth p50 ms',
      'auth p99 ms',
      'list req/s',
      'list p50 ms',
      'list p99 ms',
      'inventory req/s',
      'inventory p50 ms',
      'inventory p99 ms',
      'server RSS MiB',
    ],
    rows.map((row) => [
      row.tokens.toLocaleString('en-US'),
      round(row.seedSec),
      rate(median(row.auth.map((r) => r.requestsPerSec))),
      m(row.auth, (r) => r.p50Ms),
      m(row.auth, (r) => r.p99Ms),
      rate(median(row.list.map((r) => r.requestsPerSec))),
      m(row.list, (r) => r.p50Ms),
      m(row.list, (r) => r.p99Ms),
      rate(median(row.inventory.map((r) => r.requestsPerSec))),
      m(row.inventory, (r) => r.p50Ms),
      m(row.inventory, (r) => r.p99Ms),
      round(row.serverRssKiB / 1024, 0),
    ]),
  );
}
