// How long a token deleted on instance A keeps working on instance B. For each token: use
// it on both (so a cache on either would hold it), DELETE it on A, then ask B with it back
// to back until B answers 401. The figure runs from the DELETE's response on A to that 401,
// so its floor is one request's round trip, not zero.

import { percentile } from './stats.js';

export interface PropagationInput {
  aUrl: string;
  bUrl: string;
  /** A token of the owner that is never deleted, to authenticate the DELETEs. */
  controlToken: string;
  tokens: readonly { id: number; secret: string }[];
  /** Bound per token: past it the token counts as never revoked on B. */
  timeoutMs: number;
}

export interface PropagationResult {
  samplesMs: number[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Tokens that A itself still accepted right after deleting them (should be 0). */
  aStillValid: number;
  /** Tokens that B still accepted when timeoutMs had passed (should be 0). */
  neverRevokedOnB: number;
}

const ME = '/api/admin/user';

async function status(url: string, token: string, method = 'GET'): Promise<number> {
  const response = await fetch(url, { method, headers: { authorization: token } });
  await response.arrayBuffer();
  return response.status;
}

async function expectStatus(url: string, token: string, expected: number, method = 'GET') {
  const got = await status(url, token, method);
  if (got !== expected) throw new Error(`${method} ${url}: expected ${expected}, got ${got}`);
}

/** Milliseconds from `since` until B first answers 401, or undefined past the bound. */
async function untilRefused(
  bUrl: string,
  token: string,
  since: number,
  timeoutMs: number,
): Promise<number | undefined> {
  while (performance.now() - since < timeoutMs) {
    const got = await status(`${bUrl}${ME}`, token);
    if (got === 401) return performance.now() - since;
    if (got !== 200) throw new Error(`B answered ${got} to a deleted token; expected 200 or 401`);
  }
  return undefined;
}

export async function measurePropagation(input: PropagationInput): Promise<PropagationResult> {
  const samplesMs: number[] = [];
  let aStillValid = 0;
  let neverRevokedOnB = 0;
  for (const token of input.tokens) {
    await expectStatus(`${input.bUrl}${ME}`, token.secret, 200);
    await expectStatus(`${input.aUrl}${ME}`, token.secret, 200);
    await expectStatus(
      `${input.aUrl}/api/admin/user/tokens/${token.id}`,
      input.controlToken,
      200,
      'DELETE',
    );
    const deletedAt = performance.now();
    // A is asked alongside B's first poll, so checking it does not delay the measurement.
    const onA = status(`${input.aUrl}${ME}`, token.secret);
    const elapsed = await untilRefused(input.bUrl, token.secret, deletedAt, input.timeoutMs);
    const aStatus = await onA;
    if (aStatus === 200) aStillValid++;
    else if (aStatus !== 401) throw new Error(`A answered ${aStatus} to a deleted token`);
    if (elapsed === undefined) neverRevokedOnB++;
    else samplesMs.push(elapsed);
  }
  return {
    samplesMs,
    p50Ms: percentile(samplesMs, 50),
    p99Ms: percentile(samplesMs, 99),
    maxMs: percentile(samplesMs, 100),
    aStillValid,
    neverRevokedOnB,
  };
}
