import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { User } from '../../core/user.js';
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
  accountType: 'User',
});
const credential = (tokenId: number, userId: number): PatCredential => ({
  tokenId,
  verifier: `v${tokenId}`,
  expiresAt: new Date(8.64e15),
  createdAt: new Date(0),
  user: user(userId),
  scopes: ['*'],
  grant: { scopes: ['*'], audiences: [], accountType: 'User' },
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

test('LRU order holds when the newest entry is hit repeatedly (it is not re-inserted)', () => {
  const cache = new CredentialCache(2, 1000);
  cache.set('a', credential(1, 1));
  cache.set('b', credential(2, 2));
  for (let i = 0; i < 3; i++) cache.get('b'); // already the newest
  cache.get('a'); // now a is the newest, b the oldest
  cache.get('a');
  cache.set('c', credential(3, 3));
  assert.equal(cache.get('b'), undefined, 'the least recently used went');
  assert.equal(cache.get('a')?.tokenId, 1);
  // The newest removed, then another hit: still found and ordered.
  cache.evictSelector('c');
  cache.set('d', credential(4, 4));
  cache.get('a');
  cache.set('e', credential(5, 5));
  assert.equal(cache.get('d'), undefined);
  assert.equal(cache.get('a')?.tokenId, 1);
});

// Issue 9: a read that began while LISTEN was down could be cached once it came back up,
// although a revocation announced in that window was never heard.
test('a fill that began while disabled is dropped after re-enabling', () => {
  const cache = new CredentialCache(10, 60_000);
  cache.setEnabled(false);
  const generation = cache.generation; // the read starts during the outage
  cache.setEnabled(true);
  cache.set('a', credential(1, 1), generation);
  assert.equal(cache.get('a'), undefined);
});
