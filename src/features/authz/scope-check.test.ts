import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdsScope, isScope } from '../../core/scopes.js';
import { NOTHING_ASKED, parseAsk, type GatewayAsk, refusalFor } from './scope-check.js';
import type { TokenGrant } from '../../core/scopes.js';

const grant = (scopes: string[], audiences: string[] = []): TokenGrant => ({
  scopes,
  audiences,
  accountType: 'User',
});

function ask(query: string): GatewayAsk {
  const parsed = parseAsk(query);
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.ask;
}

test('the scope grammar of spec/scopes.md', () => {
  for (const good of [
    '*',
    '*:read',
    'orders:read',
    'orders:write',
    'orders:*',
    'introspect',
    'a.b_c-1',
  ])
    assert.ok(isScope(good), good);
  for (const bad of [
    '',
    'Orders:read',
    'orders:delete',
    '*:write',
    '*:*',
    ':read',
    'a:b:c',
    'x'.repeat(65),
    'a b',
    'ü',
  ])
    assert.ok(!isScope(bad), bad);
});

test('holdsScope: write implies read, * is everything but special rights, *:read reads everywhere', () => {
  assert.ok(holdsScope(['*'], 'orders:read'));
  assert.ok(holdsScope(['*'], 'orders:write'));
  assert.ok(holdsScope(['*'], 'orders:*'));
  assert.ok(holdsScope(['*'], '*'));
  assert.ok(!holdsScope(['*'], 'introspect'), '* does not include special rights');
  assert.ok(holdsScope(['introspect'], 'introspect'));
  assert.ok(holdsScope(['orders:write'], 'orders:read'));
  assert.ok(holdsScope(['orders:*'], 'orders:write'));
  assert.ok(!holdsScope(['orders:read'], 'orders:write'));
  assert.ok(!holdsScope(['orders:write'], 'orders:*'));
  assert.ok(!holdsScope(['billing:write'], 'orders:read'));
  assert.ok(holdsScope(['*:read'], 'orders:read'));
  assert.ok(!holdsScope(['*:read'], 'orders:write'));
  assert.ok(!holdsScope(['*:read'], '*'));
  assert.ok(!holdsScope([], 'orders:read'));
});

test('parseAsk: repeated and space-separated scopes, resources, audiences; other parameters ignored', () => {
  assert.equal(ask(''), NOTHING_ASKED);
  assert.equal(ask('rd=https%3A%2F%2Fx'), NOTHING_ASKED);
  assert.deepEqual(ask('scope=a:read%20b:write&scope=c&resource=orders&audience=billing'), {
    scopes: ['a:read', 'b:write', 'c'],
    resources: ['orders'],
    audiences: ['billing'],
  });
});

test('parseAsk: every malformed ask is listed', () => {
  const parsed = parseAsk('scope=Bad!&resource=a/b&audience=&scope=ok:read');
  assert.ok('problems' in parsed);
  assert.deepEqual(
    parsed.problems.map((p) => p.path),
    ['scope', 'resource', 'audience'],
  );
  const many = parseAsk(Array.from({ length: 51 }, (_, i) => `scope=s${i}`).join('&'));
  assert.ok('problems' in many && many.problems.length === 1);
});

test('refusalFor: nothing asked passes any live token', () => {
  assert.equal(refusalFor(grant([]), NOTHING_ASKED, 'DELETE'), undefined);
});

test('refusalFor: resource asks read for GET/HEAD/OPTIONS and write otherwise; unknown method is a write', () => {
  const readOnly = grant(['orders:read']);
  const orders = ask('resource=orders');
  for (const method of ['GET', 'HEAD', 'OPTIONS'])
    assert.equal(refusalFor(readOnly, orders, method), undefined);
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND', undefined])
    assert.deepEqual(refusalFor(readOnly, orders, method), {
      kind: 'scope',
      missing: 'orders:write',
    });
  assert.equal(refusalFor(grant(['*']), orders, 'DELETE'), undefined, 'today every token holds *');
  assert.deepEqual(refusalFor(grant(['billing:*']), orders, 'GET'), {
    kind: 'scope',
    missing: 'orders:read',
  });
});

test('refusalFor: scope asks, first missing one named', () => {
  assert.deepEqual(refusalFor(grant(['*']), ask('scope=orders:read&scope=deploy'), 'GET'), {
    kind: 'scope',
    missing: 'deploy',
  });
  assert.equal(
    refusalFor(grant(['*', 'deploy']), ask('scope=orders:read deploy'), 'GET'),
    undefined,
  );
});

test('refusalFor: audiences: a token listing none passes; one listing others is refused', () => {
  const billing = ask('audience=billing');
  assert.equal(refusalFor(grant(['*']), billing, 'GET'), undefined);
  assert.equal(refusalFor(grant(['*'], ['billing', 'shop']), billing, 'GET'), undefined);
  assert.deepEqual(refusalFor(grant(['*'], ['shop']), billing, 'GET'), {
    kind: 'audience',
    missing: 'billing',
  });
});
