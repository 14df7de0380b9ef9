// The page checks scopes as they are typed; the server checks them again. The two grammars
// must agree, or the page would refuse what the server takes (or promise what it refuses).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as server from '../../src/core/scopes.js';
import {
  audienceProblem,
  isScope,
  MAX_AUDIENCES,
  MAX_SCOPES,
  scopeLabel,
  scopeProblem,
} from '../../web/src/scopes.js';

const SAMPLES = [
  '*',
  '*:read',
  '*:write',
  '*:*',
  'tokens:read',
  'tokens:write',
  'tokens:*',
  'tokens:delete',
  'introspect',
  'a.b_c-d:read',
  'Orders:read',
  'orders:',
  ':read',
  'orders:read:x',
  'orders read',
  '',
  'x'.repeat(64),
  'x'.repeat(65),
  `${'x'.repeat(64)}:read`,
  'ünïcode',
];

test('the page and the server accept the same scopes and audience names', () => {
  for (const sample of SAMPLES) {
    assert.equal(isScope(sample), server.isScope(sample), `scope ${JSON.stringify(sample)}`);
    assert.equal(
      audienceProblem(sample) === undefined,
      server.NAME.test(sample),
      `audience ${JSON.stringify(sample)}`,
    );
  }
  assert.equal(MAX_SCOPES, server.MAX_SCOPES);
  assert.equal(MAX_AUDIENCES, server.MAX_AUDIENCES);
});

test('a refused scope is explained with its likely fix', () => {
  assert.equal(scopeProblem('tokens:read'), undefined);
  assert.match(scopeProblem('Tokens:Read') ?? '', /lower case\. Did you mean tokens:read\?/);
  assert.match(scopeProblem('tokens:delete') ?? '', /after the colon comes read, write or \*/);
  assert.match(scopeProblem('no spaces') ?? '', /is not a scope\. Use \*, \*:read/);
  assert.match(audienceProblem('Billing') ?? '', /Did you mean billing\?/);
});

test('the two usual scopes read as words', () => {
  assert.equal(scopeLabel('*'), 'Full access');
  assert.equal(scopeLabel('*:read'), 'Read-only');
  assert.equal(scopeLabel('orders:write'), 'orders:write');
});
