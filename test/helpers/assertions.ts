// Assertions every API test needs: the contract's error shape, one UUID pattern.

import assert from 'node:assert/strict';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ErrorBody {
  id: string;
  name: string;
  message: string;
  details: { message: string; path?: string }[];
}

interface ResponseLike {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
}

/** The response is `status` with `{id, name, message, details}` as JSON; returns the body. */
export function assertError(
  response: ResponseLike,
  status: number,
  name: string,
  message?: string | RegExp,
): ErrorBody {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json; charset=utf-8/);
  const body = JSON.parse(response.body) as ErrorBody;
  assert.match(body.id, UUID);
  assert.equal(body.name, name);
  assert.ok(Array.isArray(body.details) && body.details.length > 0, 'details is a non-empty list');
  if (typeof message === 'string') assert.equal(body.message, message);
  else if (message) assert.match(body.message, message);
  return body;
}

/** 429 in the error shape, with a Retry-After of at least a second. */
export function assertTooMany(response: ResponseLike): ErrorBody {
  const body = assertError(response, 429, 'TooManyRequestsError');
  assert.ok(Number(response.headers['retry-after']) >= 1, 'Retry-After is set');
  return body;
}

/** A well-formed token that no server issued. */
export function bogusToken(i: number): string {
  const selector = `bogus${String(i).padStart(17, '0')}`;
  return `user:v2_${selector}_${'B'.repeat(43)}`;
}
