import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordProblems } from './password-policy.js';

test('a strong password has no problems', () => {
  assert.deepEqual(passwordProblems('Tr0ub4dor&3x'), []);
  assert.deepEqual(passwordProblems('Ünïcödé-Pässwörd-9'), []);
});

test('every missing part is named', () => {
  assert.deepEqual(passwordProblems('short'), [
    'at least 10 characters',
    'an upper-case letter',
    'a digit',
    'a symbol',
  ]);
  assert.deepEqual(passwordProblems('alllowercase'), [
    'an upper-case letter',
    'a digit',
    'a symbol',
  ]);
  assert.deepEqual(passwordProblems('ALLUPPER1!X'), ['a lower-case letter']);
  assert.deepEqual(passwordProblems(''), [
    'at least 10 characters',
    'a lower-case letter',
    'an upper-case letter',
    'a digit',
    'a symbol',
  ]);
  assert.deepEqual(passwordProblems(`Aa1!${'x'.repeat(300)}`), ['at most 256 characters']);
});
