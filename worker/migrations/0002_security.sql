-- Throttling of sign-ins and invite acceptance by (email, client address) and by client address,
-- with growing delays instead of a lockout (docs/security.md). Replaces login_failures.
DROP TABLE IF EXISTS login_failures;
CREATE TABLE throttle (
  key TEXT PRIMARY KEY,
  -- Attempts counted since the key was last quiet for the reset period.
  attempts INTEGER NOT NULL,
  -- No attempt is counted (or allowed) before this time (seconds since the epoch).
  next_at INTEGER NOT NULL,
  -- When an attempt was last counted.
  seen_at INTEGER NOT NULL,
  -- The random tag of the attempt counted last: how a request knows its own attempt counted.
  nonce TEXT NOT NULL
);
CREATE INDEX throttle_by_seen ON throttle(seen_at);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
