-- A token's whole life (issue 13): rotation, the Admins' inventory, idle revocation, usage.

-- Rotation: the token that replaced this one. Set once, under the old row's lock, so a token
-- is rotated at most once (a retried request cannot fork a family). No foreign key: the id
-- stays a record of what happened even after the new token is deleted.
ALTER TABLE personal_access_tokens ADD COLUMN rotated_to integer;

-- A description is unique among a user's tokens that have not been rotated: the new token of
-- a rotation takes over its predecessor's description while the old one lives out its overlap.
DROP INDEX personal_access_tokens_user_description_key;
CREATE UNIQUE INDEX personal_access_tokens_user_description_key
  ON personal_access_tokens (user_id, md5(description)) WHERE rotated_to IS NULL;

-- The inventory pages newest first by (created_at, id), with or without an owner; expiry and
-- last use are its other filters, and the idle-revocation job's.
CREATE INDEX personal_access_tokens_created_idx ON personal_access_tokens (created_at, id);
CREATE INDEX personal_access_tokens_user_created_idx
  ON personal_access_tokens (user_id, created_at, id);
CREATE INDEX personal_access_tokens_expires_idx ON personal_access_tokens (expires_at);
CREATE INDEX personal_access_tokens_seen_idx ON personal_access_tokens (seen_at);

-- Usage: where the token was last used from, written with seen_at in the batched flush.
ALTER TABLE personal_access_tokens ADD COLUMN last_ip text;
ALTER TABLE personal_access_tokens ADD COLUMN last_user_agent text;

-- Requests per token per UTC day; rows older than 90 days are pruned by housekeeping.
CREATE TABLE pat_usage_days (
  pat_id integer NOT NULL REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
  day date NOT NULL,
  requests integer NOT NULL CHECK (requests >= 0),
  PRIMARY KEY (pat_id, day)
);
CREATE INDEX pat_usage_days_day_idx ON pat_usage_days (day);
