-- The program directory: accounts, sessions, invites, space memberships, login throttling.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('student', 'mentor', 'staff')),
  password_hash TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES accounts(id),
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

-- One-time invite codes (hashed); the invitee sets a password with one.
CREATE TABLE invites (
  code_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES accounts(id),
  expires_at INTEGER NOT NULL,
  used_at TEXT
);

-- Which student spaces a mentor may use; an index of what the spaces' placements say.
CREATE TABLE memberships (
  user_id TEXT NOT NULL,
  space TEXT NOT NULL,
  PRIMARY KEY (user_id, space)
);

-- Failed logins per account in the current window, for rate limiting.
CREATE TABLE login_failures (
  email TEXT PRIMARY KEY COLLATE NOCASE,
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
