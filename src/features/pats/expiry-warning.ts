export type ExpiryWarning = 'expired' | 'expires-soon';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `expired` once a token cannot be used; `expires-soon` once it is past the middle of its
 * life and within the longest configured lead time. The half-life rule keeps a short-lived
 * token (say, 7 days) from being flagged the moment it is created.
 */
export function expiryWarning(
  createdAt: Date,
  expiresAt: Date,
  now: Date,
  leadDays: readonly number[],
): ExpiryWarning | undefined {
  const remaining = expiresAt.getTime() - now.getTime();
  if (remaining <= 0) return 'expired';
  const halfLife = (expiresAt.getTime() - createdAt.getTime()) / 2;
  const pastMiddle = now.getTime() - createdAt.getTime() >= halfLife;
  const longestLead = Math.max(0, ...leadDays) * DAY_MS;
  return pastMiddle && remaining <= longestLead ? 'expires-soon' : undefined;
}
