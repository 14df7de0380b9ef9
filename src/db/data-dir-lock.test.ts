import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from './data-dir-lock.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'unlatch-lock-'));
}

test('takes the lock (creating the directory), writes its pid, and releases it', async () => {
  const root = await tempDir();
  const dir = join(root, 'not-yet');
  try {
    const release = await lockDataDir(dir);
    assert.equal(await readFile(join(dir, LOCK_FILE), 'utf8'), String(process.pid));
    await release();
    await assert.rejects(stat(join(dir, LOCK_FILE)), { code: 'ENOENT' });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a lock held by a live process is refused, naming the process and the way out', async () => {
  const dir = await tempDir();
  try {
    // Process 1 (init) always runs, and is not this process.
    await writeFile(join(dir, LOCK_FILE), '1');
    await assert.rejects(lockDataDir(dir), (error: unknown) => {
      assert.ok(error instanceof DataDirLockedError);
      assert.equal(error.pid, 1);
      assert.match(error.message, /in use by process 1/);
      assert.match(error.message, /DATABASE_URL/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lock left by a process that is gone (or an unreadable one) is taken over', async () => {
  const dir = await tempDir();
  try {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    for (const stale of [String(gone), 'garbage', '']) {
      await writeFile(join(dir, LOCK_FILE), stale);
      const release = await lockDataDir(dir);
      assert.equal(await readFile(join(dir, LOCK_FILE), 'utf8'), String(process.pid), stale);
      await release();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
