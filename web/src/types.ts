// The shapes of the API answers the page reads; see docs of the server's schemas.

export type ExpiryWarning = 'expires-soon' | 'expired';

export interface Pat {
  id: number;
  description: string;
  expiresAt: string;
  userId: number;
  createdAt: string;
  seenAt: string | null;
  /** Set on a rotated token during its overlap: the id of the token that replaced it. */
  rotatedTo?: number;
  expiryWarning?: ExpiryWarning;
  /** What the token may do: `["*"]` full access, `["*:read"]` read-only, or narrower. */
  scopes: string[];
  /** The services it is meant for; empty means any. */
  audiences: string[];
}

export interface CreatedPat extends Pat {
  secret: string;
}

export interface Me {
  id: number;
  username?: string;
  name?: string;
  email?: string;
  rootRole: number;
}

export interface MeResponse {
  user: Me;
  permissions: { permission: string }[];
}

export interface UiConfig {
  patLimit: number;
}

export interface AdminUser {
  id: number;
  username?: string;
  name?: string;
  email?: string;
  rootRole: number;
  createdAt: string;
  seenAt: string | null;
}

/** A service account, as `GET /api/admin/service-account` lists it (Unleash's shape). */
export interface ServiceAccount {
  id: number;
  name?: string;
  username: string;
  imageUrl?: string;
  rootRole: number;
  seenAt: string | null;
  createdAt: string;
  /** In the list only; the create and update answers may leave it out. */
  tokens?: Pat[];
}

export interface ServiceAccounts {
  serviceAccounts: ServiceAccount[];
  rootRoles?: { id: number; name: string; type: string }[];
}

export interface AuditEvent {
  id: number;
  type: string;
  createdBy: string;
  createdByUserId: number | null;
  createdAt: string;
  ip: string | null;
  data: Record<string, unknown> | null;
}

export interface EventsPage {
  events: AuditEvent[];
  totalEvents: number;
}

export type RoleName = 'Admin' | 'Editor' | 'Viewer';

/** Unleash's numeric ids of the root roles, as the API reports them. */
export const ROLES: readonly { id: number; name: RoleName }[] = [
  { id: 1, name: 'Admin' },
  { id: 2, name: 'Editor' },
  { id: 3, name: 'Viewer' },
];

export function roleName(id: number): string {
  return ROLES.find((role) => role.id === id)?.name ?? `Role ${id}`;
}

export function isAdmin(me: MeResponse): boolean {
  return me.permissions.some((entry) => entry.permission === 'ADMIN');
}

/** What to call a user on screen: name, else username, else email. */
export function displayName(user: {
  name?: string;
  username?: string;
  email?: string;
  id: number;
}) {
  return user.name || user.username || user.email || `User ${user.id}`;
}

export interface TokenUsage {
  days: { date: string; requests: number }[];
  lastSeenAt: string | null;
  lastIp: string | null;
  lastUserAgent: string | null;
}

export interface TokenOwner {
  id: number;
  username: string | null;
  name: string | null;
  accountType: 'User' | 'Service';
}

/** One row of the Admins' inventory. */
export interface InventoryToken {
  id: number;
  description: string;
  expiresAt: string;
  createdAt: string;
  seenAt: string | null;
  rotatedTo: number | null;
  owner: TokenOwner;
}

export interface InventoryPage {
  tokens: InventoryToken[];
  next: string | null;
}

export interface Webhook {
  id: number;
  url: string;
  events: string[];
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface WebhookAttempt {
  at: string;
  status: number | null;
  error: string | null;
  ms: number;
}

export interface WebhookDelivery {
  id: string;
  eventId: number;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptLog: WebhookAttempt[];
}

/**
 * The event types a webhook may subscribe to ("*" is all of them): the server's own list, from
 * a module with no imports, so the form can never offer one the server refuses.
 */
export { WEBHOOK_EVENT_TYPES } from '../../src/features/webhooks/webhook-event-types.js';
