-- Webhooks (issue 14) and their transactional outbox. See docs/decisions/0013-webhook-outbox.md.

CREATE TABLE webhooks (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  url text NOT NULL,
  -- Event types, or '*' for all of them.
  events text[] NOT NULL,
  description text NOT NULL DEFAULT '',
  -- The HMAC key. It must be kept to sign, so it is stored as given; it is never selected
  -- into a response, a log line or an event.
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (event, subscribed webhook), written in the transaction of the change.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id integer NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id integer NOT NULL,
  event_type text NOT NULL,
  -- The body to send, {id, type, createdAt, data}, fixed when the event happened.
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- The lease of the instance sending it; a lease that ran out is taken over.
  locked_until timestamptz,
  lease uuid,
  last_status integer,
  last_error text,
  -- [{at, status, error, ms}], one per attempt.
  attempt_log jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
-- What the senders poll: only the pending rows, by due time.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC);

-- pat-expiring and pat-expired are recorded once per token and lead time, whatever the number
-- of instances: the row is inserted in the transaction that records the event.
-- lead_days 0 stands for pat-expired.
CREATE TABLE pat_expiry_notices (
  token_id integer NOT NULL REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
  lead_days integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (token_id, lead_days)
);
-- The expiry job reads tokens by expiry (IF NOT EXISTS: another change may add the same index).
CREATE INDEX IF NOT EXISTS personal_access_tokens_expires_at_idx
  ON personal_access_tokens (expires_at);
