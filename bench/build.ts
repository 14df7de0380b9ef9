// The benchmark measures the compiled server, so it builds first when any source file is
// newer than the build (or when asked to).

import { execFileSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './children.js';

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function builtAt(): Promise<number> {
  try {
    return (await stat(join(REPO_ROOT, 'dist/src/main.js'))).mtimeMs;
  } catch {
    return 0;
  }
}

export async function ensureBuilt(force: boolean): Promise<void> {
  if (!force && (await builtAt()) >= (await newestMtime(join(REPO_ROOT, 'src')))) return;
  process.stderr.write('building the server (npm run build)...\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
