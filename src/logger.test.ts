import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.js';

test('authorization, cookie and set-cookie are redacted wherever they are logged', () => {
  const lines: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    }),
  );
  logger.info(
    { req: { headers: { authorization: 'user:v2_secret', cookie: 'unleash-session=abc' } } },
    'in',
  );
  logger.info({ res: { headers: { 'set-cookie': 'unleash-session=abc' } } }, 'out');
  logger.info({ headers: { authorization: 'Bearer x1', cookie: 'c=1' } }, 'raw');
  const text = lines.join('');
  for (const secret of ['user:v2_secret', 'unleash-session=abc', 'Bearer x1', 'c=1'])
    assert.ok(!text.includes(secret), secret);
  assert.equal(text.match(/\[redacted\]/g)?.length, 5);
});
