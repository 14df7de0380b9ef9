// The pattern docs/secret-scanning.md gives scanners must match every token the server
// issues, and nothing that merely looks close.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { issueToken } from '../../src/features/pats/token.js';

test('the documented pattern matches issued tokens, inside text, and not near misses', async () => {
  const doc = await readFile(new URL('../../docs/secret-scanning.md', import.meta.url), 'utf8');
  const source = /```regex\n(.+)\n```/.exec(doc)?.[1];
  assert.ok(source, 'the doc has a regex block');
  const pattern = new RegExp(source);
  for (let i = 0; i < 200; i++) {
    const { secret } = issueToken();
    assert.ok(pattern.test(secret), secret);
    assert.equal(new RegExp(source, 'g').exec(`token=${secret};`)?.[0], secret);
  }
  for (const miss of [
    'user:v2_short_secret',
    `user:v1_${'a'.repeat(22)}_${'b'.repeat(43)}`,
    `user:v2_${'a'.repeat(21)}_${'b'.repeat(43)}`,
    `user:v2_${'a'.repeat(22)}_${'b'.repeat(42)}`,
  ]) {
    assert.equal(pattern.test(miss), false, miss);
  }
});
