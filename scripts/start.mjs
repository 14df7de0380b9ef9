// npm start: build only when the build is missing or older than its sources, then run the
// server in this same process (one Node start-up, not two). Plain JavaScript: it must run
// before anything is compiled. A fresh clone's `npm ci && npm start` builds here once.

import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function mtime(path) {
  try {
    return statSync(join(root, path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification under the given sources (files and folders, recursively). */
function newestSource() {
  let newest = 0;
  for (const file of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
  ]) {
    newest = Math.max(newest, mtime(file) ?? 0);
  }
  for (const dir of ['src', 'web']) {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

// The build's two halves; the older one dates it.
const server = mtime('dist/src/main.js');
const page = mtime('dist/web/index.html');
const builtAt = server === undefined || page === undefined ? 0 : Math.min(server, page);
if (builtAt < newestSource()) {
  process.stderr.write('npm start: the build is missing or older than the sources; building...\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
await import(join(root, 'dist/src/main.js'));
