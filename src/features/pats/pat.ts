export interface Pat {
  id: number;
  description: string;
  expiresAt: Date;
  userId: number;
  createdAt: Date;
  seenAt: Date | null;
}

/** The wire form, keys in the order Unleash sends them. */
export interface PatJson {
  id: number;
  description: string;
  expiresAt: string;
  userId: number;
  createdAt: string;
  seenAt: string | null;
  expiryWarning?: 'expired' | 'expires-soon';
  secret?: string;
}

export function toPatJson(pat: Pat): PatJson {
  return {
    id: pat.id,
    description: pat.description,
    expiresAt: pat.expiresAt.toISOString(),
    userId: pat.userId,
    createdAt: pat.createdAt.toISOString(),
    seenAt: pat.seenAt?.toISOString() ?? null,
  };
}

/** The audit record of a token: a whitelist, so no secret or verifier can reach the log. */
export function patEventData(pat: Pat) {
  return {
    id: pat.id,
    description: pat.description,
    expiresAt: pat.expiresAt.toISOString(),
    secure: true,
  } as const;
}
