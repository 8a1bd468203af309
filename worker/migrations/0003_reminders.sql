-- Reminders that reach the phone, and calendars that follow the app.
-- push_subscriptions: one row per device that asked for push reminders (its push service's
--   endpoint and keys, language, categories, quiet hours, the app's origin its taps open, and the
--   hash of the session that subscribed it: signing out of that session forgets the device).
-- push_sent: which inbox items each device has been sent (each is sent once).
-- calendar_feeds: one secret feed URL per person (only its hash is kept; a new one replaces it).
-- The Worker's VAPID key, when no VAPID_PRIVATE_KEY secret is set, is kept in `meta`.
CREATE TABLE push_subscriptions (
  endpoint TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES accounts(id),
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  lang TEXT NOT NULL,
  categories TEXT NOT NULL,
  quiet_start INTEGER NOT NULL,
  quiet_end INTEGER NOT NULL,
  quiet_zone TEXT NOT NULL,
  origin TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
CREATE INDEX push_subscriptions_session ON push_subscriptions (session_hash);

CREATE TABLE push_sent (
  endpoint TEXT NOT NULL,
  item_key TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (endpoint, item_key)
);

CREATE TABLE calendar_feeds (
  user_id TEXT PRIMARY KEY REFERENCES accounts(id),
  token_hash TEXT NOT NULL UNIQUE,
  lang TEXT NOT NULL,
  created_at TEXT NOT NULL
);
