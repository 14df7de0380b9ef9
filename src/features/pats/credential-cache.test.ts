import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { User } from '../users/user.js';
import { CredentialCache } from './credential-cache.js';
import type { PatCredential } from './pat-store.js';

const user = (id: number): User => ({
  id,
  username: `u${id}`,
  email: null,
  name: null,
  rootRole: 'Editor',
  loginAttempts: 0,
  createdAt: new Date(0),
  seenAt: null,
});
const credential = (tokenId: number, userId: number): PatCredential => ({
  tokenId,
  verifier: `v${tokenId}`,
  expiresAt: new Date(8.64e15),
  createdAt: new Date(0),
  user: user(userId),
});

test('hits until the TTL, then misses', () => {
  let now = 0;
  const cache = new CredentialCache(10, 1000, () => now);
  cache.set('s1', credential(1, 1));
  assert.equal(cache.get('s1')?.tokenId, 1);
  now = 999;
  assert.equal(cache.get('s1')?.tokenId, 1);
  now = 1000;
  assert.equal(cache.get('s1'), undefined);
  assert.equal(cache.size, 0);
});

test('bounded: the least recently used entry goes first', () => {
  const cache = new CredentialCache(2, 60_000);
  cache.set('a', credential(1, 1));
  cache.set('b', credential(2, 1));
  cache.get('a');
  cache.set('c', credential(3, 1));
  assert.ok(cache.get('a'));
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('c'));
  assert.equal(cache.size, 2);
});

test('evictSelector and evictUser', () => {
  const cache = new CredentialCache(10, 60_000);
  cache.set('a', credential(1, 1));
  cache.set('b', credential(2, 1));
  cache.set('c', credential(3, 2));
  cache.evictSelector('a');
  assert.equal(cache.get('a'), undefined);
  cache.evictUser(1);
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('c'));
});

test('disabled: nothing is kept', () => {
  const cache = new CredentialCache(10, 60_000);
  cache.set('a', credential(1, 1));
  cache.setEnabled(false);
  assert.equal(cache.get('a'), undefined);
  cache.set('b', credential(2, 1));
  assert.equal(cache.get('b'), undefined);
  cache.setEnabled(true);
  cache.set('b', credential(2, 1));
  assert.ok(cache.get('b'));
});

test('a fill that began before an eviction is not stored', () => {
  const cache = new CredentialCache(10, 60_000);
  const generation = cache.generation;
  cache.evictUser(1); // the change lands while the read is in flight
  cache.set('a', credential(1, 1), generation);
  assert.equal(cache.get('a'), undefined);
  cache.set('a', credential(1, 1), cache.generation);
  assert.ok(cache.get('a'));
});
