// npm run bench:start — time from spawning the server to its first healthy /health, on an
// existing database. The bench creates and migrates the database before any start; the first
// start on it is reported apart (it creates the first Admin) and not counted.
//   npm run bench:start -- --runs 5            built server, `node dist/src/main.js`
//   npm run bench:start -- --npm               through `npm start` (npm's own start-up too)
//   DATABASE_URL=postgres://... npm run bench:start   on PostgreSQL (a fresh database)

import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './build.js';
import { cpuMsOf, freePort, REPO_ROOT, SERVER_ENV } from './children.js';
import { createBenchDatabase } from './database.js';
import { loadSummary } from './machine.js';

const POLL_MS = 5;

interface StartTime {
  /** Spawn to the first healthy answer. */
  wallMs: number;
  /** CPU time the server used by then (all its threads): unlike wall time, it barely moves
   * when other work shares the machine, so it compares starts on a busy machine. */
  cpuMs: number | undefined;
}

const TIMEOUT_MS = 60_000;

async function startOnce(viaNpm: boolean, env: Record<string, string>): Promise<StartTime> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = viaNpm
    ? spawn('npm', ['start', '--silent'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: 'ignore',
        detached: true, // its own process group: npm and the server stop together
      })
    : spawn(process.execPath, ['dist/src/main.js'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: 'ignore',
      });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    while (performance.now() - started < TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode})`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        await response.arrayBuffer();
        if (response.ok) {
          const wallMs = performance.now() - started;
          // Through npm the child is npm itself, not the server: no CPU figure then.
          return { wallMs, cpuMs: viaNpm ? undefined : cpuMsOf(child.pid) };
        }
      } catch {
        // not listening yet
      }
      await sleep(POLL_MS);
    }
    throw new Error('the server did not become healthy');
  } finally {
    if (viaNpm && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    else child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, npm: { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  await ensureBuilt(false);
  const database = await createBenchDatabase(process.env.DATABASE_URL?.trim() || undefined);
  const env: Record<string, string> = { ...SERVER_ENV, ...database.serverEnv };
  try {
    process.stdout.write(`load average before: ${loadSummary()}\n`);
    const first = await startOnce(false, env); // creates the first Admin
    process.stdout.write(
      `first start (on the database the bench created and migrated): ${first.wallMs.toFixed(0)} ms\n`,
    );
    const starts: StartTime[] = [];
    for (let i = 0; i < runs; i++) starts.push(await startOnce(values.npm === true, env));
    process.stdout.write(
      `${values.npm ? 'npm start' : 'node dist/src/main.js'} on ${database.kind}, ` +
        `existing database, ${runs} runs: ${spread(starts.map((s) => s.wallMs))} to healthy\n`,
    );
    const cpu = starts.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
    if (cpu.length > 0) {
      process.stdout.write(`server CPU time by then: ${spread(cpu)}\n`);
    }
    process.stdout.write(`load average after: ${loadSummary()}\n`);
  } finally {
    await database.dispose();
  }
}

/** "median M ms, min A, max B" of some timings. */
function spread(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (i: number) => sorted[i]?.toFixed(0);
  return `median ${at(Math.floor(sorted.length / 2))} ms, min ${at(0)}, max ${at(sorted.length - 1)}`;
}

await main();
