import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      UNMIGRATED_DB: D1Database;
      JWT_SECRET: string;
      THROTTLING?: string;
      REVOCATION_MAX_STALENESS_MS?: string;
    }
  }
}
