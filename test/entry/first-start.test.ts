// Issue 9: the generated Admin password was printed on stdout, the stream that carries the
// JSON log, where log shippers keep every line. It goes to stderr, once, and nowhere else.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The server from its sources, always on the embedded database in dataDir. */
function startServer(dataDir: string, port: number, env: Record<string, string> = {}) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('first start on an empty database: the generated password is on stderr only, and works', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'unlatch-first-start-'));
  const port = await freePort();
  // Always the embedded database: this is about the entry point's streams, not storage.
  const child = startServer(dataDir, port, { LOG_LEVEL: 'info' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  try {
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('Unlatch listening') && Date.now() < deadline) {
      assert.equal(child.exitCode, null, `the server exited early:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const password = /password: (\S+)/.exec(stderr)?.[1];
    assert.ok(password, `no generated password on stderr:\n${stderr}`);
    assert.ok(!stdout.includes(password), 'the password never reaches the JSON log on stdout');
    for (const line of stdout.trim().split('\n')) JSON.parse(line); // stdout is pure JSON lines
    const login = await fetch(`http://127.0.0.1:${port}/auth/simple/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(login.status, 200);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  }
});

/**
 * Starts the server on a data directory and expects the start to fail: exit 1, one line on
 * stderr, and the directory's lock given back (the database closed, not just abandoned).
 */
async function expectFailedStart(dataDir: string, port: number, why: RegExp): Promise<void> {
  const child = startServer(dataDir, port, {
    UNLEASH_DEFAULT_ADMIN_PASSWORD: 'a first start password',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1, stderr);
    assert.match(stderr.trim(), /^Unlatch failed to start: [^\n]+$/);
    assert.match(stderr, why);
    const left = await readdir(dataDir);
    assert.equal(left.includes(LOCK_FILE), false, `the lock was left behind: ${left.join(', ')}`);
  } finally {
    child.kill('SIGKILL');
  }
}

// The server builds its app while PGlite opens in its worker (server.ts): a database that
// cannot open must still end the start with one clear line and exit 1, not a hang or a stack.
test(
  'a data directory PGlite cannot open: one line on stderr, exit 1, the lock released',
  {
    timeout: 60_000,
  },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'unlatch-bad-dir-'));
    try {
      await writeFile(join(dataDir, 'PG_VERSION'), '99\n'); // no version PGlite knows
      await expectFailedStart(dataDir, await freePort(), /PGlite/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);

// A port in use is found only at listen, after the database was opened, migrated and given
// its Admin: the database is closed before the exit, so the next start finds no stale lock.
test(
  'a port in use: one line on stderr, exit 1, the database closed first',
  {
    timeout: 60_000,
  },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'unlatch-port-in-use-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    try {
      assert.ok(address !== null && typeof address === 'object');
      await expectFailedStart(dataDir, address.port, /EADDRINUSE/);
    } finally {
      taken.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
