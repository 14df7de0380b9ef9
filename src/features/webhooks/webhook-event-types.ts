// The event types a webhook may subscribe to, in a module of their own with no imports: the
// web page imports this very list (web/src/types.ts), so the create form offers exactly what
// the server accepts. Keep it free of Node and of other modules, or the browser build breaks.

/** The event types a webhook may subscribe to; `*` stands for all of them. */
export const WEBHOOK_EVENT_TYPES = [
  'pat-created',
  'pat-deleted',
  'pat-expiring',
  'pat-expired',
  'pat-rotated',
  'pat-leaked',
  'user-created',
  'user-updated',
  'user-deleted',
  'user-password-changed',
  'service-account-created',
  'service-account-updated',
  'service-account-deleted',
  'webhook-created',
  'webhook-updated',
  'webhook-deleted',
] as const;
