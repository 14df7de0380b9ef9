// The child process that creates an embedded database (src/db/pglite-create.ts): it stops as
// soon as the process that started it is gone (its stdin, a pipe from that process, ends),
// rather than writing a database nobody holds the lock of.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../src/db/pglite-create.ts', import.meta.url));

function create(directory: string, closeStdin: boolean): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, directory], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  if (closeStdin) child.stdin.end();
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('with its parent there, it creates the database and exits 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'unlatch-create-'));
  try {
    assert.equal(await create(join(dir, 'db'), false), 0);
    assert.ok(existsSync(join(dir, 'db', 'PG_VERSION')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('when its stdin ends (its parent gone), it stops with 1 instead of finishing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'unlatch-create-'));
  try {
    assert.equal(await create(join(dir, 'db'), true), 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
