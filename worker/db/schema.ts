import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
  },
  (table) => [
    index('sessions_user_id_idx').on(table.userId),
    index('sessions_expires_at_idx').on(table.expiresAt),
  ],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
