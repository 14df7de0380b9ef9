import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { User } from '../../core/user.js';
import { headerValue, identityHeaders } from './identity-headers.js';
import type { TokenGrant } from '../../core/scopes.js';

const user = (overrides: Partial<User> = {}): User => ({
  id: 7,
  username: 'alice',
  email: 'alice@example.com',
  name: 'Alice Liddell',
  rootRole: 'Editor',
  loginAttempts: 0,
  createdAt: new Date(0),
  seenAt: null,
  accountType: 'User',
  ...overrides,
});
const grant: TokenGrant = { scopes: ['*'], audiences: [], accountType: 'User' };

test('all identity headers, in the names of the contract', () => {
  assert.deepEqual(
    { ...identityHeaders(3, user(), grant) },
    {
      'remote-user': 'alice',
      'x-auth-request-user': 'alice',
      'remote-email': 'alice@example.com',
      'x-auth-request-email': 'alice@example.com',
      'remote-name': 'Alice Liddell',
      'remote-groups': 'Editor',
      'x-unlatch-user-id': '7',
      'x-unlatch-token-id': '3',
      'x-unlatch-scopes': '*',
      'x-unlatch-account-type': 'User',
    },
  );
});

test('without a username Remote-User is the email; unknown email and name are left out', () => {
  const headers = identityHeaders(1, user({ username: null, name: null }), grant);
  assert.equal(headers['remote-user'], 'alice@example.com');
  assert.equal(headers['remote-name'], undefined);
  const bare = identityHeaders(1, user({ email: null, name: null }), grant);
  assert.equal(bare['remote-email'], undefined);
  assert.equal(bare['x-auth-request-email'], undefined);
});

test('built once per cached user object: the same frozen object; a new user object (a refill) rebuilds', () => {
  const cached = user();
  const first = identityHeaders(3, cached, grant);
  assert.equal(identityHeaders(3, cached, grant), first);
  assert.ok(Object.isFrozen(first));
  const refilled = user({ rootRole: 'Viewer' });
  assert.equal(identityHeaders(3, refilled, grant)['remote-groups'], 'Viewer');
  // The memo is keyed on the object and checked against the token id.
  assert.equal(identityHeaders(4, cached, grant)['x-unlatch-token-id'], '4');
});

test('header values: ASCII unchanged; control characters, %, and non-Latin text percent-encoded', () => {
  assert.equal(headerValue('Alice Liddell'), 'Alice Liddell');
  assert.equal(headerValue('Zoë 李'), 'Zo%C3%AB %E6%9D%8E');
  assert.equal(headerValue('a\r\nInjected: 1'), 'a%0D%0AInjected: 1');
  assert.equal(headerValue('100%'), '100%25');
  assert.equal(decodeURIComponent(headerValue('Zoë 李 100%')), 'Zoë 李 100%');
});
