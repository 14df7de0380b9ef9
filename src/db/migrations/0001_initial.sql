CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text,
  email text,
  name text,
  password_hash text,
  root_role text NOT NULL CHECK (root_role IN ('Admin', 'Editor', 'Viewer')),
  login_attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz,
  deleted_at timestamptz,
  CHECK (username IS NOT NULL OR email IS NOT NULL)
);
-- Log-in names are matched without regard to case, so they must be unique that way too.
CREATE UNIQUE INDEX users_username_key ON users (lower(username)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE personal_access_tokens (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  description text NOT NULL,
  selector text NOT NULL UNIQUE,
  verifier text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz
);
-- md5 keeps the index entry small whatever the description's length (a btree entry is
-- limited to about 2.7 kB); the service compares the full text before it inserts.
CREATE UNIQUE INDEX personal_access_tokens_user_description_key
  ON personal_access_tokens (user_id, md5(description));

CREATE TABLE events (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type text NOT NULL,
  created_by text NOT NULL,
  created_by_user_id integer,
  data jsonb NOT NULL DEFAULT '{}',
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
