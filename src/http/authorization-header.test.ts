import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenFromAuthorization } from './authorization-header.js';

test('tokenFromAuthorization: raw or Bearer in any case with any whitespace; other schemes kept', () => {
  assert.equal(tokenFromAuthorization('abc'), 'abc');
  assert.equal(tokenFromAuthorization('  Bearer   abc '), 'abc');
  assert.equal(tokenFromAuthorization('bEaReR\tabc'), 'abc');
  assert.equal(tokenFromAuthorization('Token abc'), 'Token abc');
  assert.equal(tokenFromAuthorization('Bearer'), 'Bearer');
});
