import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// Idempotent: only migrations not yet recorded in the database are applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
