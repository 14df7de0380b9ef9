// Assertions every API test needs: the contract's error shape, one UUID pattern.

import assert from 'node:assert/strict';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ErrorBody {
  id: string;
  name: string;
  message: string;
  details: { message: string; path?: string }[];
}

/** An answer from `inject` (statusCode) or from a raw socket (status): what the checks read. */
export type ResponseLike = { body: string; headers: Record<string, unknown> } & (
  { statusCode: number } | { status: number }
);

export interface ErrorExpectation {
  /** The message exactly, or a pattern it matches. */
  message?: string | RegExp;
  /** How many details there must be (any number above 0 when not given). */
  details?: number;
  /** Headers that must have exactly these values, e.g. `{ 'cache-control': 'no-store' }`. */
  headers?: Record<string, string>;
}

/**
 * A parsed body is the contract's error shape: a UUID id, the name, a non-empty message and a
 * non-empty list of details, each with a message. `name` undefined: any non-empty name.
 */
export function assertErrorBody(
  body: unknown,
  name: string | undefined,
  expected: ErrorExpectation = {},
): ErrorBody {
  const text = JSON.stringify(body);
  assert.ok(typeof body === 'object' && body !== null, `an error body, not ${text}`);
  const error = body as ErrorBody;
  assert.equal(typeof error.id, 'string', text);
  assert.match(error.id, UUID);
  assert.equal(typeof error.name, 'string', text);
  if (name === undefined) assert.notEqual(error.name, '', text);
  else assert.equal(error.name, name, text);
  assert.ok(typeof error.message === 'string' && error.message !== '', `a message: ${text}`);
  assert.ok(Array.isArray(error.details) && error.details.length > 0, `details: ${text}`);
  assert.ok(
    error.details.every((detail) => typeof detail?.message === 'string'),
    `every detail has a message: ${text}`,
  );
  if (expected.details !== undefined) assert.equal(error.details.length, expected.details, text);
  if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
  else if (expected.message) assert.match(error.message, expected.message);
  return error;
}

/**
 * The response is `status` with `{id, name, message, details}` as JSON; returns the body. The
 * fourth argument is the expected message, or an ErrorExpectation for more.
 */
export function assertError(
  response: ResponseLike,
  status: number,
  name: string | undefined,
  expected?: string | RegExp | ErrorExpectation,
): ErrorBody {
  const actual = 'statusCode' in response ? response.statusCode : response.status;
  assert.equal(actual, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json; charset=utf-8/);
  const expectation: ErrorExpectation =
    typeof expected === 'string' || expected instanceof RegExp
      ? { message: expected }
      : (expected ?? {});
  for (const [header, value] of Object.entries(expectation.headers ?? {}))
    assert.equal(response.headers[header], value, `${header} of ${response.body}`);
  return assertErrorBody(JSON.parse(response.body) as unknown, name, expectation);
}

/** 429 in the error shape, with a Retry-After of at least a second. */
export function assertTooMany(response: ResponseLike, expected: ErrorExpectation = {}): ErrorBody {
  const body = assertError(response, 429, 'TooManyRequestsError', expected);
  assert.ok(Number(response.headers['retry-after']) >= 1, 'Retry-After is set');
  return body;
}

/** A well-formed token that no server issued. */
export function bogusToken(i: number): string {
  const selector = `bogus${String(i).padStart(17, '0')}`;
  return `user:v2_${selector}_${'B'.repeat(43)}`;
}
