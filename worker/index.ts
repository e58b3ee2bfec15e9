import { createApp } from './app';
import type { Bindings } from './config';
import { database } from './db/client';
import { deleteStaleRows } from './db/queries';
import { nowSeconds } from './http/context';
import { log } from './log';

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron Trigger (wrangler.toml): ended sessions and forgotten failure counts are deleted. */
  async scheduled(_controller, env) {
    const deleted = await deleteStaleRows(database(env.DB), nowSeconds());
    log('info', 'cleanup', {
      deleted_sessions: deleted.sessions,
      deleted_login_failures: deleted.loginFailures,
    });
  },
} satisfies ExportedHandler<Bindings>;
