import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { registerWebUi } from './web-ui.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function webDir(withBuild: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-web-'));
  dirs.push(dir);
  if (withBuild) {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Unlatch</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {};');
  }
  return dir;
}

test('serves the built page at / and its hashed assets, cached accordingly', async () => {
  const app = Fastify();
  await registerWebUi(app, webDir(true));
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.equal(page.headers['cache-control'], 'no-cache');
  const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
  assert.equal(asset.statusCode, 200);
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  // No catch-all: paths that are not files stay the app's not-found handler's business.
  assert.equal((await app.inject({ method: 'GET', url: '/nothing-here' })).statusCode, 404);
  await app.close();
});

test('without a build the server still starts and / says how to get the page', async () => {
  const app = Fastify();
  await registerWebUi(app, webDir(false));
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /not built\. Run `npm run build`/);
  await app.close();
});
