import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PatJson } from './pat.js';
import { cachedPatsBody, patsBody } from './pat-list-body.js';

const patJson: fc.Arbitrary<PatJson> = fc.record(
  {
    id: fc.nat(),
    // Any text: quotes, backslashes, control characters and lone surrogates must come out
    // exactly as JSON.stringify writes them.
    description: fc.string({ unit: 'binary' }),
    expiresAt: fc.string(),
    userId: fc.nat(),
    createdAt: fc.string(),
    seenAt: fc.option(fc.string(), { nil: null }),
    rotatedTo: fc.nat(),
    expiryWarning: fc.constantFrom('expired' as const, 'expires-soon' as const),
    scopes: fc.array(fc.string()),
    audiences: fc.array(fc.string()),
  },
  { requiredKeys: ['id', 'description', 'expiresAt', 'userId', 'createdAt', 'seenAt'] },
);

test('the list body is exactly JSON.stringify({ pats }), for shared (frozen) answers and per-request ones', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(patJson, fc.boolean()), { maxLength: 12 }), (entries) => {
      const pats = entries.map(([pat, shared]) => (shared ? Object.freeze(pat) : pat));
      assert.equal(patsBody(pats), JSON.stringify({ pats }));
      // Asked again (the kept texts now answer for the frozen ones): the same.
      assert.equal(patsBody(pats), JSON.stringify({ pats }));
    }),
  );
});

/** A token's answer, a new object each time (one test changes it, one freezes it). */
function ciPat(): PatJson {
  return {
    id: 1,
    description: 'ci',
    expiresAt: '2030-01-01T00:00:00.000Z',
    userId: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
    seenAt: null,
  };
}

test('an answer made for one request is serialised as it is now, not as it was first seen', () => {
  const pat = ciPat();
  assert.equal(patsBody([pat]), JSON.stringify({ pats: [pat] }));
  pat.expiryWarning = 'expires-soon';
  assert.equal(patsBody([pat]), JSON.stringify({ pats: [pat] }));
  assert.match(patsBody([pat]), /expires-soon/);
});

test('the read lane gets a cached list as its body, and nothing while PATs are off or on a miss', () => {
  const pat = Object.freeze(ciPat());
  const lists = new Map<number, PatJson[]>([[2, [pat]]]);
  const service = (enabled: boolean) => ({
    enabled,
    listCached: (userId: number) => {
      // As PatService: while PATs are off, asking throws (the route's 404).
      if (!enabled) throw new Error('PATs are disabled.');
      return lists.get(userId);
    },
  });
  assert.equal(cachedPatsBody(service(true), 2), JSON.stringify({ pats: [pat] }));
  assert.equal(cachedPatsBody(service(true), 3), undefined);
  assert.equal(cachedPatsBody(service(false), 2), undefined);
});
