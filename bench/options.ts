// Benchmark settings: defaults for a quiet machine, each overridable by a flag or an
// environment variable (flags win), so a quick smoke run and the real run are one command.

import { parseArgs } from 'node:util';

export const SCENARIO_NAMES = [
  'auth',
  'list',
  'create',
  'login',
  'verify',
  'gateway',
  'inventory',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchOptions {
  connections: number;
  durationSec: number;
  warmupSec: number;
  rounds: number;
  /** Users whose tokens the create and login scenarios rotate through. */
  users: number;
  scenarios: readonly ScenarioName[];
  /** Scale mode: token counts to compare instead of the standard run. */
  scaleSizes: readonly number[] | undefined;
  /** Tokens deleted one by one in the multi-instance propagation check. */
  propagationTokens: number;
  /** PostgreSQL base URL; undefined means embedded PGlite in a temporary DATA_DIR. */
  databaseUrl: string | undefined;
  forceBuild: boolean;
  /** METRICS_ENABLED for the server: compare the ratios of runs with and without. */
  metrics: boolean;
  /** Scale mode: connections for the inventory pages (an Admin browsing, not a flood). */
  inventoryConnections: number;
  /** Usage mode: the auth scenario with PAT_USAGE_TRACKING on and off, alternating. */
  usageCompare: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function whole(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min} (got "${raw}")`);
  }
  return value;
}

function scenarioList(raw: string | undefined): readonly ScenarioName[] {
  if (raw === undefined || raw.trim() === '') return SCENARIO_NAMES;
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown scenario "${name}"; known: ${SCENARIO_NAMES.join(', ')}`);
    }
  }
  return names as ScenarioName[];
}

function sizeList(raw: string | undefined): readonly number[] {
  const sizes = (raw ?? '1000,1000000').split(',').map((size) => whole(size, 'scale size', 0, 10));
  for (const size of sizes) {
    // The bench user owns 10 real tokens; filler users own 10 each, so sizes go by tens.
    if (size % 10 !== 0) throw new Error(`scale sizes must be multiples of 10 (got ${size})`);
  }
  return sizes;
}

function onOff(raw: string | undefined): boolean {
  if (raw === undefined || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`metrics must be on or off (got "${raw}")`);
}

export function readOptions(argv: readonly string[], env: Env): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      users: { type: 'string' },
      scenarios: { type: 'string' },
      scale: { type: 'boolean' },
      'scale-sizes': { type: 'string' },
      'propagation-tokens': { type: 'string' },
      build: { type: 'boolean' },
      metrics: { type: 'string' },
      usage: { type: 'boolean' },
      'inventory-connections': { type: 'string' },
    },
    strict: true,
  });
  const scale = values.scale === true || env.BENCH_SCALE === '1';
  return {
    connections: whole(values.connections ?? env.BENCH_CONNECTIONS, 'connections', 50, 1),
    durationSec: whole(values.duration ?? env.BENCH_DURATION, 'duration', 10, 1),
    warmupSec: whole(values.warmup ?? env.BENCH_WARMUP, 'warmup', 3, 0),
    rounds: whole(values.rounds ?? env.BENCH_ROUNDS, 'rounds', 3, 1),
    users: whole(values.users ?? env.BENCH_USERS, 'users', 1000, 1),
    scenarios: scenarioList(values.scenarios ?? env.BENCH_SCENARIOS),
    scaleSizes: scale ? sizeList(values['scale-sizes'] ?? env.BENCH_SCALE_SIZES) : undefined,
    propagationTokens: whole(
      values['propagation-tokens'] ?? env.BENCH_PROPAGATION_TOKENS,
      'propagation tokens',
      100,
      1,
    ),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    forceBuild: values.build === true,
    metrics: onOff(values.metrics ?? env.BENCH_METRICS),
    inventoryConnections: whole(
      values['inventory-connections'] ?? env.BENCH_INVENTORY_CONNECTIONS,
      'inventory connections',
      2,
      1,
    ),
    usageCompare: values.usage === true || env.BENCH_USAGE === '1',
  };
}
