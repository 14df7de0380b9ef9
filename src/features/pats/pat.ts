export interface Pat {
  id: number;
  description: string;
  expiresAt: Date;
  userId: number;
  createdAt: Date;
  seenAt: Date | null;
  /** The token that replaced this one by rotation; it then lives only to its overlap's end. */
  rotatedTo: number | null;
}

/** The wire form, keys in the order Unleash sends them. */
export interface PatJson {
  id: number;
  description: string;
  expiresAt: string;
  userId: number;
  createdAt: string;
  seenAt: string | null;
  /** Present only on a rotated token: the id of the token that replaced it. */
  rotatedTo?: number;
  expiryWarning?: 'expired' | 'expires-soon';
  secret?: string;
}

export function toPatJson(pat: Pat): PatJson {
  const json: PatJson = {
    id: pat.id,
    description: pat.description,
    expiresAt: pat.expiresAt.toISOString(),
    userId: pat.userId,
    createdAt: pat.createdAt.toISOString(),
    seenAt: pat.seenAt?.toISOString() ?? null,
  };
  if (pat.rotatedTo !== null) json.rotatedTo = pat.rotatedTo;
  return json;
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
