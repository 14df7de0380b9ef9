import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  beyondMaker,
  capToRole,
  checkGrantRequest,
  grantFor,
  holdsScope,
  MAX_AUDIENCES,
  MAX_SCOPES,
} from './scopes.js';

test('absent scopes and audiences are Unleash behaviour: everything, any audience', () => {
  assert.deepEqual(checkGrantRequest(undefined, undefined), { scopes: ['*'], audiences: [] });
});

test('valid requests come back without repeats, in the order given', () => {
  assert.deepEqual(
    checkGrantRequest(['orders:read', 'introspect', 'orders:read'], ['billing', 'billing']),
    { scopes: ['orders:read', 'introspect'], audiences: ['billing'] },
  );
});

test('every problem is listed, each with its path', () => {
  const result = checkGrantRequest(['Orders:read', 'orders:delete', '*'], ['ok', 'Not OK', '']);
  assert.ok('problems' in result);
  assert.deepEqual(
    result.problems.map((problem) => problem.path),
    ['/body/scopes/0', '/body/scopes/1', '/body/audiences/1', '/body/audiences/2'],
  );
});

test('limits: no empty scope list, at most 50 scopes and 20 audiences', () => {
  const empty = checkGrantRequest([], undefined);
  assert.ok('problems' in empty && empty.problems[0]?.path === '/body/scopes');
  const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  assert.ok(!('problems' in checkGrantRequest(many(MAX_SCOPES, 'r'), many(MAX_AUDIENCES, 'a'))));
  const tooMany = checkGrantRequest(many(MAX_SCOPES + 1, 'r'), many(MAX_AUDIENCES + 1, 'a'));
  assert.ok('problems' in tooMany);
  assert.deepEqual(
    tooMany.problems.map((problem) => problem.path),
    ['/body/scopes', '/body/audiences'],
  );
});

test('a Viewer only reads: write scopes shrink to reads, plain rights stay', () => {
  assert.deepEqual(capToRole(['*'], 'Viewer'), ['*:read']);
  assert.deepEqual(capToRole(['orders:write', 'orders:*', 'introspect', '*:read'], 'Viewer'), [
    'orders:read',
    'introspect',
    '*:read',
  ]);
  assert.deepEqual(capToRole(['*', 'orders:write'], 'Editor'), ['*', 'orders:write']);
  assert.deepEqual(capToRole(['*'], 'Admin'), ['*']);
});

test('grantFor: the role narrows; the usual full grant is one shared object', () => {
  const editor = { rootRole: 'Editor', accountType: 'User' } as const;
  assert.equal(grantFor(['*'], [], editor), grantFor(['*'], [], editor));
  assert.equal(grantFor(['*'], [], { ...editor, accountType: 'Service' }).accountType, 'Service');
  const viewer = grantFor(['orders:write'], ['billing'], {
    rootRole: 'Viewer',
    accountType: 'User',
  });
  assert.deepEqual(viewer.scopes, ['orders:read']);
  assert.deepEqual(viewer.audiences, ['billing']);
  assert.equal(holdsScope(viewer.scopes, 'orders:write'), false);
  assert.ok(Object.isFrozen(viewer) && Object.isFrozen(viewer.scopes));
});

test('beyondMaker: a token makes tokens holding no more than itself', () => {
  const full = { scopes: ['*'], audiences: [] };
  const reader = { scopes: ['*:read'], audiences: [] };
  const orders = { scopes: ['orders:*', 'tokens:write'], audiences: ['billing', 'shop'] };
  assert.equal(beyondMaker({ scopes: ['*'], audiences: [] }, full), undefined);
  assert.equal(
    beyondMaker({ scopes: ['introspect'], audiences: [] }, full),
    'the scope "introspect"',
  );
  assert.equal(beyondMaker({ scopes: ['orders:read'], audiences: [] }, reader), undefined);
  assert.equal(
    beyondMaker({ scopes: ['orders:write'], audiences: [] }, reader),
    'the scope "orders:write"',
  );
  assert.equal(beyondMaker({ scopes: ['*'], audiences: [] }, reader), 'the scope "*"');
  assert.equal(beyondMaker({ scopes: ['orders:write'], audiences: ['shop'] }, orders), undefined);
  assert.equal(
    beyondMaker({ scopes: ['orders:read'], audiences: [] }, orders),
    'a token for any audience',
  );
  assert.equal(
    beyondMaker({ scopes: ['orders:read'], audiences: ['admin'] }, orders),
    'the audience "admin"',
  );
  assert.equal(
    beyondMaker({ scopes: ['users:read'], audiences: ['shop'] }, orders),
    'the scope "users:read"',
  );
});
