-- The probe's session table: the columns Gatehouse reads on every authenticated request, one row.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER
);
--> statement-breakpoint
INSERT INTO sessions (id, user_id, expires_at, revoked_at, last_used_at)
VALUES ('probe-session', 'probe-user', 4102444800, NULL, NULL);
