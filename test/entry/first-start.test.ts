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

test('first start on an empty database: the generated password is on stderr only, and works', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'unlatch-first-start-'));
  const port = await freePort();
  // Always the embedded database: this is about the entry point's streams, not storage.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

// The server builds its app while PGlite opens in its worker (server.ts): a database that
// cannot open must still end the start with one clear line and exit 1, not a hang or a stack,
// and give back the directory's lock.
test(
  'a data directory PGlite cannot open: one line on stderr, exit 1, the lock released',
  { timeout: 60_000 },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'unlatch-bad-dir-'));
    await writeFile(join(dataDir, 'PG_VERSION'), '99\n'); // a "database" of no version PGlite knows
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    try {
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 1, stderr);
      assert.match(stderr.trim(), /^Unlatch failed to start: \S.*$/);
      assert.deepEqual(await readdir(dataDir).then((names) => names.includes(LOCK_FILE)), false);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
