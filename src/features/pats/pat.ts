export interface Pat {
  id: number;
  description: string;
  expiresAt: Date;
  userId: number;
  createdAt: Date;
  seenAt: Date | null;
  /** What the token may do (spec/scopes.md); `["*"]` unless narrowed at creation. */
  scopes: readonly string[];
  /** The services it is meant for; empty means any. */
  audiences: readonly string[];
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
  scopes?: readonly string[];
  audiences?: readonly string[];
}

/** Unlatch's own keys come after all of Unleash's, so its clients see their order first. */
export function withGrant(json: PatJson, pat: Pat): PatJson {
  return { ...json, scopes: pat.scopes, audiences: pat.audiences };
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
    scopes: pat.scopes,
    audiences: pat.audiences,
  } as const;
}
