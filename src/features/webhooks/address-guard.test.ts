import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPrivateAddress, privateTargetProblem } from './address-guard.js';

test('loopback, private, link-local, unique-local and special addresses are private', () => {
  for (const address of [
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fe80::1%eth0',
    'fd12:3456::1',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::169.254.169.254',
    'not an address',
  ]) {
    assert.equal(isPrivateAddress(address), true, address);
  }
});

test('public addresses are not', () => {
  for (const address of [
    '1.1.1.1',
    '8.8.8.8',
    '172.15.0.1',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:1.1.1.1',
  ]) {
    assert.equal(isPrivateAddress(address), false, address);
  }
});

test('URL hosts: literal addresses are judged without a lookup; localhost resolves to loopback', async () => {
  assert.match((await privateTargetProblem('http://127.0.0.1:8080/x')) ?? '', /private/);
  assert.match((await privateTargetProblem('http://[::1]/x')) ?? '', /private/);
  assert.equal(await privateTargetProblem('https://1.1.1.1/x'), undefined);
  assert.match((await privateTargetProblem('http://localhost/x')) ?? '', /private/);
});
