import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueToken, selectorOf, verifierMatches, verifierOf } from './token.js';

test('issued tokens have the v2 format, a selector that finds them and a SHA-256 verifier', () => {
  const token = issueToken();
  assert.match(token.secret, /^user:v2_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
  assert.equal(selectorOf(token.secret), token.selector);
  assert.equal(token.verifier, verifierOf(token.secret));
  assert.equal(Buffer.from(token.verifier, 'base64url').length, 32);
  assert.ok(!token.verifier.includes(token.secret.slice(-43)));
});

test('tokens do not repeat', () => {
  const seen = new Set(Array.from({ length: 1000 }, () => issueToken().secret));
  assert.equal(seen.size, 1000);
});

test('selectorOf rejects anything not exactly of the format', () => {
  const { secret } = issueToken();
  for (const bad of [
    '',
    'garbage',
    `${secret}x`,
    secret.slice(1),
    secret.replace('user:', 'USER:'),
    secret.replace('v2_', 'v1_'),
    `${secret.slice(0, 30)}!${secret.slice(31)}`,
  ]) {
    assert.equal(selectorOf(bad), undefined, bad);
  }
});

test('verifierMatches only for the exact token', () => {
  const a = issueToken();
  const b = issueToken();
  assert.ok(verifierMatches(a.secret, a.verifier));
  assert.ok(!verifierMatches(b.secret, a.verifier));
  assert.ok(!verifierMatches(a.secret, 'short'));
});
