import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
// Captures the Worker's log lines for every test (see the module).
import './logs';

// Idempotent: only migrations not yet recorded in the database are applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
