// The rules an expiry date must meet, for a new token and a rotated one alike.

import { BadDataError } from '../../core/errors.js';

const DAY_MS = 86_400_000;

/** The schema checked the format; a leap second (23:59:60) passes it yet is no JS date. */
export function parseExpiry(raw: string, path = '/body/expiresAt'): Date {
  const expiresAt = new Date(raw);
  if (Number.isNaN(expiresAt.getTime())) {
    throw new BadDataError('The expiry date is not a date this server can represent.', [
      {
        path,
        message: `The \`${path}\` value ${JSON.stringify(raw)} is not a real point in time.`,
      },
    ]);
  }
  return expiresAt;
}

/**
 * In the future, and within PAT_MAX_LIFETIME_DAYS when it is set. "No expiry" is, as in
 * Unleash, a date far in the future (the column is NOT NULL): with a maximum, it is refused
 * like any other date beyond it.
 */
export function assertExpiryAllowed(
  expiresAt: Date,
  now: Date,
  maxLifetimeDays: number | undefined,
): void {
  if (expiresAt.getTime() <= now.getTime())
    throw new BadDataError('The expiry date should be in future.');
  if (maxLifetimeDays === undefined) return;
  const latest = new Date(now.getTime() + maxLifetimeDays * DAY_MS);
  if (expiresAt.getTime() > latest.getTime()) {
    throw new BadDataError(
      `Tokens may live at most ${maxLifetimeDays} days (PAT_MAX_LIFETIME_DAYS): choose an expiry on or before ${latest.toISOString()}.`,
      [
        {
          path: '/body/expiresAt',
          message: `The expiry must be at most ${maxLifetimeDays} days from now (${latest.toISOString()}).`,
        },
      ],
    );
  }
}
