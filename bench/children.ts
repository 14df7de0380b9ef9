// Child processes the benchmark drives: the real server and the node:http baseline. Each
// runs in its own process so that the load generator (this process) does not share their
// event loop, and so that /proc/<pid>/status tells the server's own memory.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { onInterrupt } from './cleanup.js';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Settings every benchmarked server gets on top of its database. */
export const SERVER_ENV = {
  UNLEASH_DEFAULT_ADMIN_PASSWORD: 'bench admin password',
  LOG_LEVEL: 'warn',
  // The create scenario adds many tokens per user; the default limit (10) would turn
  // every create after the tenth into a 403.
  PAT_LIMIT: '10000',
  // The limiters count per client IP, and all load comes from 127.0.0.1: at their defaults
  // the login scenario would measure 429s after ten logins, and the propagation check's
  // deleted-token probes count as failed attempts. The benchmark measures the paths.
  LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
  // The login scenario's 50 connections would otherwise meet the password-hashing queue's
  // bound (16 waiting) and measure its quick 503s instead of logins.
  PASSWORD_HASH_QUEUE_MAX: '1000',
} as const;

export interface Child {
  name: string;
  pid: number;
  url: string;
  /** Resident memory of the process now, in KiB. */
  rssKiB(): Promise<number>;
  /**
   * CPU time the process has used so far (all its threads), in ms; absent where the work is
   * done by other processes (nginx's workers).
   */
  cpuMs?(): number | undefined;
  /** Resolves once the process has stopped burning CPU (or after a bound). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// /proc/<pid>/stat counts CPU time in clock ticks, 100 per second on Linux.
const TICKS_PER_SECOND = 100;

/** User plus system CPU time of a process so far, or undefined when it cannot be read. */
export function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

export async function readRssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

// Only what a server needs from this environment: a DATABASE_URL or DATA_DIR left in the
// caller's shell must never point a benchmark server at a real database. The C allocator's
// settings pass, so that a run can measure them (MALLOC_ARENA_MAX=2 npm run bench).
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [
    'PATH',
    'HOME',
    'TMPDIR',
    'LANG',
    'TZ',
    'GLIBC_TUNABLES',
    'MALLOC_ARENA_MAX',
  ]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function forward(child: ChildProcess, name: string): void {
  const prefix = (chunk: Buffer) =>
    chunk
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
}

/** User plus system CPU time the process has used, in clock ticks. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

// When autocannon stops, requests still in flight are dropped by the client but not by the
// server: a login keeps hashing for seconds. Waiting until the process is quiet keeps that
// work from being billed to the next measurement (often the baseline's).
const SETTLE_SAMPLE_MS = 500;
const SETTLE_IDLE_TICKS = 10; // 0.1 s of CPU per 0.5 s sample: a fifth of a core
const SETTLE_MAX_MS = 60_000;

export async function waitIdle(pid: number): Promise<void> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  let before = await cpuTicks(pid);
  while (Date.now() < deadline) {
    await sleep(SETTLE_SAMPLE_MS);
    const now = await cpuTicks(pid);
    if (now - before <= SETTLE_IDLE_TICKS) return;
    before = now;
  }
  process.stderr.write(`process ${pid} was still busy after ${SETTLE_MAX_MS / 1000} s\n`);
}

async function waitReady(child: ChildProcess, name: string, healthUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready (code ${child.exitCode})`);
    }
    try {
      const response = await fetch(healthUrl);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const);
    if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  };
}

async function startChild(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  port: number,
  healthPath: string,
): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forward(child, name);
  const pid = child.pid;
  let stopping = false;
  // An exit nobody asked for explains the errors autocannon is about to report. The server
  // exits 0 only from its SIGTERM/SIGINT handler, so code 0 means a signal from outside.
  child.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(
        `\n[${name}] exited during the run (code ${code}, signal ${signal}); ` +
          `${code === 0 ? 'it was signalled by something outside the benchmark' : 'see its output above'}\n`,
      );
    }
  });
  const stopChild = stopper(child);
  let forget = () => {};
  const stop = async () => {
    stopping = true;
    await stopChild();
    forget();
  };
  forget = onInterrupt(stop);
  if (pid === undefined) throw new Error(`${name} did not start`);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(child, name, `${url}${healthPath}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    pid,
    url,
    rssKiB: () => readRssKiB(pid),
    cpuMs: () => cpuMsOf(pid),
    settle: () => waitIdle(pid),
    stop,
  };
}

/** The built server, `node dist/src/main.js`, as it runs in production. */
export async function startServer(name: string, env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  return startChild(name, ['dist/src/main.js'], env, port, '/health');
}

/** The bare node:http server every figure is compared with. */
export async function startBaseline(): Promise<Child> {
  const port = await freePort();
  return startChild('baseline', ['--import', 'tsx', 'bench/baseline-server.ts'], {}, port, '/');
}
