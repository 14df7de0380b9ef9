import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRevocation, encodeRevocation } from '../revocation/revocation-bus.js';
import type { Pat } from './pat.js';
import { PatListCache } from './pat-list-cache.js';

const pat = (id: number, userId: number): Pat => ({
  id,
  description: `t${id}`,
  expiresAt: new Date(8.64e15),
  userId,
  createdAt: new Date(0),
  seenAt: null,
  scopes: ['*'],
  audiences: [],
  rotatedTo: null,
});

test('hits until the TTL, then misses', () => {
  let now = 0;
  const cache = new PatListCache(10, 1000, () => now);
  cache.set(1, [pat(1, 1)], cache.generation);
  assert.deepEqual(
    cache.get(1)?.map((p) => p.id),
    [1],
  );
  now = 999;
  assert.ok(cache.get(1));
  now = 1000;
  assert.equal(cache.get(1), undefined);
  assert.equal(cache.size, 0);
});

test('a fill whose read began before an invalidation is dropped', () => {
  const cache = new PatListCache(10, 1000);
  const before = cache.generation;
  cache.evictUser(2); // e.g. a token of user 2 created while user 1's list was being read
  cache.set(1, [pat(1, 1)], before);
  assert.equal(cache.get(1), undefined);
  cache.set(1, [pat(1, 1)], cache.generation);
  assert.ok(cache.get(1));
});

test('evictUser drops one list, clear drops all, disabled caches nothing', () => {
  const cache = new PatListCache(10, 1000);
  cache.set(1, [pat(1, 1)], cache.generation);
  cache.set(2, [pat(2, 2)], cache.generation);
  cache.evictUser(1);
  assert.equal(cache.get(1), undefined);
  assert.ok(cache.get(2));
  cache.clear();
  assert.equal(cache.size, 0);
  cache.setEnabled(false);
  cache.set(3, [], cache.generation);
  assert.equal(cache.get(3), undefined);
  cache.setEnabled(true);
  cache.set(3, [], cache.generation);
  assert.deepEqual(cache.get(3), []);
});

test('bounded: the least recently used list goes first; a cached list cannot be changed', () => {
  const cache = new PatListCache(2, 1000);
  cache.set(1, [pat(1, 1)], cache.generation);
  cache.set(2, [pat(2, 2)], cache.generation);
  cache.get(1);
  cache.set(3, [pat(3, 3)], cache.generation);
  assert.equal(cache.get(2), undefined);
  assert.ok(cache.get(1) && cache.get(3));
  assert.throws(() => (cache.get(1) as Pat[]).push(pat(9, 1)));
});

test('the pats:<userId> notification round-trips; malformed ones are ignored', () => {
  assert.equal(encodeRevocation({ kind: 'pats', userId: 42 }), 'pats:42');
  assert.deepEqual(decodeRevocation('pats:42'), { kind: 'pats', userId: 42 });
  for (const bad of ['pats:', 'pats:x', 'pats:-1', 'pats:12345678901', 'patz:1']) {
    assert.equal(decodeRevocation(bad), undefined, bad);
  }
});

// The fault issue 9 fixed in CredentialCache, here too: a list read during a LISTEN outage
// could be cached once notifications came back, though a change in the outage went unheard.
test('a fill that began while disabled is dropped after re-enabling', () => {
  const cache = new PatListCache(10, 60_000);
  cache.setEnabled(false);
  const generation = cache.generation;
  cache.setEnabled(true);
  cache.set(1, [], generation);
  assert.equal(cache.get(1), undefined);
});
