// The PAT codec. Format as Unleash's secure v2 tokens: `user:v2_<selector>_<secret>`.
// The selector (128 bits) finds the row; the secret (256 bits) is what proves possession.
// Only the selector and a SHA-256 verifier of the whole token are stored. A fast hash is
// right here because the input has 256 bits of entropy: there is nothing to brute-force.

import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'user:v2_';
const SELECTOR_CHARS = 22; // 16 bytes, base64url
const SECRET_CHARS = 43; // 32 bytes, base64url
const TOKEN_PATTERN = /^user:v2_([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  /** The full token: shown to its owner once, never stored. */
  secret: string;
  selector: string;
  verifier: string;
}

export function issueToken(): IssuedToken {
  const selector = randomBytes(16).toString('base64url');
  const secret = `${PREFIX}${selector}_${randomBytes(32).toString('base64url')}`;
  return { secret, selector, verifier: verifierOf(secret) };
}

// Node's one-shot hash (20.12 and later) makes no Hash object: half the cost of
// createHash().update().digest() on every token-authenticated request (0.6 against 1.2 µs).
const oneShotHash = (crypto as { hash?: typeof crypto.hash }).hash;

export function verifierOf(token: string): string {
  return oneShotHash === undefined
    ? createHash('sha256').update(token, 'utf8').digest('base64url')
    : oneShotHash('sha256', token, 'base64url');
}

/** The selector of a well-formed token, or undefined (no database lookup for garbage). */
export function selectorOf(token: string): string | undefined {
  if (token.length !== PREFIX.length + SELECTOR_CHARS + 1 + SECRET_CHARS) return undefined;
  return TOKEN_PATTERN.exec(token)?.[1];
}

/** Constant-time comparison of the presented token's verifier with the stored one. */
export function verifierMatches(token: string, storedVerifier: string): boolean {
  const presented = Buffer.from(verifierOf(token));
  const stored = Buffer.from(storedVerifier);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
