// npm run bench:password-flood — an Admin's login time while one Viewer floods the server
// with password changes (issue 9: 60 parallel changes made an Admin's login take 12 s).
//   npm run bench:password-flood -- --changes 60 --logins 5
// Runs the built server on a fresh embedded database (or DATABASE_URL's), all on loopback.

import { parseArgs } from 'node:util';
import { ensureBuilt } from './build.js';
import { SERVER_ENV, startServer } from './children.js';
import { createBenchDatabase } from './database.js';
import { loadSummary } from './machine.js';

const ADMIN_PASSWORD = SERVER_ENV.UNLEASH_DEFAULT_ADMIN_PASSWORD;
const VIEWER_PASSWORD = 'Flood-v1ewer-Passw0rd!';

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function login(base: string, username: string, password: string) {
  const started = performance.now();
  const response = await fetch(`${base}/auth/simple/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await response.arrayBuffer();
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  return { status: response.status, ms: performance.now() - started, cookie };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { changes: { type: 'string' }, logins: { type: 'string' } },
  });
  const changes = Number(values.changes ?? 60);
  const logins = Number(values.logins ?? 5);
  await ensureBuilt(false);
  const database = await createBenchDatabase(process.env.DATABASE_URL);
  const server = await startServer('server', { ...SERVER_ENV, ...database.serverEnv });
  try {
    const base = server.url;
    const admin = await login(base, 'admin', ADMIN_PASSWORD);
    const created = await fetch(`${base}/api/admin/user-admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookie },
      body: JSON.stringify({ username: 'flooder', password: VIEWER_PASSWORD, rootRole: 'Viewer' }),
    });
    if (created.status !== 201) throw new Error(`could not create the Viewer: ${created.status}`);
    const viewer = await login(base, 'flooder', VIEWER_PASSWORD);

    const quiet: number[] = [];
    for (let i = 0; i < logins; i++) quiet.push((await login(base, 'admin', ADMIN_PASSWORD)).ms);

    const statuses = new Map<number, number>();
    const flood = Array.from({ length: changes }, (_, i) =>
      fetch(`${base}/api/admin/user/change-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: viewer.cookie },
        body: JSON.stringify({
          password: `Flood-${i}-Passw0rd!`,
          confirmPassword: `Flood-${i}-Passw0rd!`,
        }),
      }).then(async (response) => {
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }),
    );
    // Let the flood reach the server before the Admin tries.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during: number[] = [];
    const adminStatuses: number[] = [];
    for (let i = 0; i < logins; i++) {
      const attempt = await login(base, 'admin', ADMIN_PASSWORD);
      during.push(attempt.ms);
      adminStatuses.push(attempt.status);
    }
    await Promise.all(flood);

    const fmt = (list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return `p50 ${percentile(sorted, 50).toFixed(0)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(0)} ms`;
    };
    out(`database: ${database.kind}; load average: ${loadSummary()}`);
    out(`Admin login, quiet (${logins}): ${fmt(quiet)}`);
    out(`Admin login during ${changes} parallel password changes (${logins}): ${fmt(during)}`);
    out(`Admin login statuses during the flood: ${adminStatuses.join(', ')}`);
    out(
      `password change statuses: ${[...statuses]
        .sort()
        .map(([status, count]) => `${status} x${count}`)
        .join(', ')}`,
    );
  } finally {
    await server.stop();
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
