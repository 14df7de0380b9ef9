export const ROOT_ROLES = ['Admin', 'Editor', 'Viewer'] as const;
export type RootRole = (typeof ROOT_ROLES)[number];

/** Unleash's ids for the three root roles; its clients send and read these numbers. */
export const ROLE_IDS: Readonly<Record<RootRole, number>> = { Admin: 1, Editor: 2, Viewer: 3 };

export function roleFromId(id: number): RootRole | undefined {
  return ROOT_ROLES.find((role) => ROLE_IDS[role] === id);
}

/** A person, or a service account: an identity for automation that only has tokens. */
export type AccountType = 'User' | 'Service';

export interface User {
  id: number;
  username: string | null;
  email: string | null;
  name: string | null;
  rootRole: RootRole;
  loginAttempts: number;
  createdAt: Date;
  seenAt: Date | null;
  accountType: AccountType;
}
