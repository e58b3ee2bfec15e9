import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are Unix seconds (the unit JWT claims use), so comparisons need no conversion.

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    // As the person typed it (NFC, trimmed): what the app greets them with.
    username: text('username').notNull(),
    // NFKC + case-folded: decides uniqueness and log-in, so look-alike spellings collide here.
    usernameCanonical: text('username_canonical').notNull(),
    // `$pbkdf2-sha256$i=<iterations>$<salt>$<hash>`: parameters travel with the hash.
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [uniqueIndex('users_username_canonical_unique').on(table.usernameCanonical)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    lastUsedAt: integer('last_used_at'),
    userAgent: text('user_agent'),
    // Which token of the session is current: each refresh moves it on, and only a token that carries
    // it (claim `gen`) is accepted. Presenting an older one to /refresh is reuse and ends the session.
    generation: integer('generation').notNull().default(0),
  },
  (table) => [
    index('sessions_user_id_idx').on(table.userId),
    index('sessions_expires_at_idx').on(table.expiresAt),
  ],
);

// Consecutive failed password checks per canonical name across every source, existing names or not
// (so unknown names are throttled the same way): the name-wide hard stop (auth/login-throttle.ts).
// A successful log-in deletes the row; the cron clean-up drops stale ones.
export const loginFailures = sqliteTable('login_failures', {
  usernameCanonical: text('username_canonical').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailedAt: integer('last_failed_at').notNull(),
  blockedUntil: integer('blocked_until').notNull(),
});

// Consecutive failed password checks per name and source (`network:…`, `device:…`, `session:…`):
// the per-source backoff. Counted before the password is checked, so concurrent guesses cannot
// outrun it; `attempt` names the attempt that counted last, which lets the name-wide count of the
// same batch follow only when this one was taken.
export const loginSourceFailures = sqliteTable(
  'login_source_failures',
  {
    usernameCanonical: text('username_canonical').notNull(),
    source: text('source').notNull(),
    failures: integer('failures').notNull(),
    lastFailedAt: integer('last_failed_at').notNull(),
    blockedUntil: integer('blocked_until').notNull(),
    attempt: text('attempt'),
  },
  (table) => [primaryKey({ columns: [table.usernameCanonical, table.source] })],
);

// Counters across all clients in fixed one-minute windows (`signups`, `failed-logins`): the global
// caps on password hashing. One row per counter.
export const globalLimits = sqliteTable('global_limits', {
  name: text('name').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

// Passwords too common to allow, lower-cased (filled by the common_passwords data migration).
export const commonPasswords = sqliteTable('common_passwords', {
  password: text('password').primaryKey(),
});

// The revocation feed (docs/session-check.md): one row per change that ends sessions, appended in the
// same batch as the change, so every isolate can evict what it has cached. A row names one session, or
// (session_id NULL) every session of the user. No foreign key: rows outlive a deleted account.
export const sessionRevocations = sqliteTable(
  'session_revocations',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    sessionId: text('session_id'),
    userId: text('user_id').notNull(),
    revokedAt: integer('revoked_at').notNull(),
  },
  (table) => [index('session_revocations_revoked_at_idx').on(table.revokedAt)],
);

// One row (id = 1): the highest `seq` the nightly clean-up has trimmed from the feed. An isolate whose
// last applied `seq` is below it has missed rows and empties its cache instead of guessing.
export const revocationFeed = sqliteTable('revocation_feed', {
  id: integer('id').primaryKey(),
  trimmedThrough: integer('trimmed_through').notNull(),
});

// The account's activity log (docs/activity.md): one row per event, newest first by (at, id). What a
// row holds about where it came from is coarse on purpose: a device description (never the user agent)
// and a network (IPv4 /24, IPv6 /48; never the address). Never a password, token or hash.
export const activity = sqliteTable(
  'activity',
  {
    // The rowid: the tie-breaker of the listing's order within one second.
    id: integer('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    at: integer('at').notNull(),
    sessionId: text('session_id'),
    device: text('device'),
    network: text('network'),
    // How many times it happened: 1, except for rows that count attempts (failed or refused log-ins).
    count: integer('count').notNull().default(1),
    // Rows that count attempts: which count they are (type, window, network, session), so one upsert
    // finds it. NULL for single events, which never collide (NULLs are distinct in a unique index).
    tally: text('tally'),
  },
  (table) => [
    index('activity_user_at_idx').on(table.userId, table.at, table.id),
    uniqueIndex('activity_user_tally_unique').on(table.userId, table.tally),
    // For the nightly clean-up's retention trim.
    index('activity_at_idx').on(table.at),
  ],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;

// Passkeys (docs/passkeys.md): WebAuthn credentials that sign a person in instead of their password.
// Deleting the account deletes them (ON DELETE CASCADE); ending sessions or changing the password
// does not.
export const passkeys = sqliteTable(
  'passkeys',
  {
    // Our own id, for the API's paths; the authenticator's credential id can be up to 1,023 bytes.
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // base64url, as WebAuthn's JSON carries it.
    credentialId: text('credential_id').notNull(),
    // The COSE public key, base64url.
    publicKey: text('public_key').notNull(),
    // The signature counter the authenticator last reported (0 for authenticators that keep none).
    counter: integer('counter').notNull(),
    // Comma-separated hints (`internal`, `hybrid`, `usb`, …) for the browser's prompt.
    transports: text('transports').notNull(),
    // Whether the passkey is synced between devices (WebAuthn's backup eligibility and state).
    backupEligible: integer('backup_eligible', { mode: 'boolean' }).notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull(),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    // When an authenticator last reported a counter that did not move forward (a possible clone);
    // that sign-in was refused.
    counterRegressedAt: integer('counter_regressed_at'),
  },
  (table) => [
    uniqueIndex('passkeys_credential_id_unique').on(table.credentialId),
    index('passkeys_user_id_idx').on(table.userId),
  ],
);

// The WebAuthn user handle of each account that has registered a passkey: random, so the handle that
// authenticators store and send back says nothing about the account's internal id.
export const passkeyUserHandles = sqliteTable(
  'passkey_user_handles',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    handle: text('handle').notNull(),
  },
  (table) => [uniqueIndex('passkey_user_handles_handle_unique').on(table.handle)],
);

// Challenges handed out with WebAuthn options: single use (a conditional DELETE takes one), short-lived,
// and bound to what asked for them. A registration challenge names the signed-in user; a sign-in
// challenge may name the account the person typed (username-first), existing or not.
export const passkeyChallenges = sqliteTable(
  'passkey_challenges',
  {
    challenge: text('challenge').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'sign-in'] }).notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    usernameCanonical: text('username_canonical'),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('passkey_challenges_expires_at_idx').on(table.expiresAt)],
);

export type Passkey = typeof passkeys.$inferSelect;
