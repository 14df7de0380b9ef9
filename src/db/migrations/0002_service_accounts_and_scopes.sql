-- Service accounts are users that cannot log in: no password, no session, only tokens.
ALTER TABLE users ADD COLUMN is_service boolean NOT NULL DEFAULT false;

-- What a token may do beyond its owner's identity (spec/scopes.md). Tokens made before
-- scopes existed, and tokens created without them, hold everything their owner may do.
ALTER TABLE personal_access_tokens
  ADD COLUMN scopes jsonb NOT NULL DEFAULT '["*"]',
  ADD COLUMN audiences jsonb NOT NULL DEFAULT '[]';
