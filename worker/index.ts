import { createApp } from './app';
import { nowSeconds } from './clock';
import type { Bindings } from './config';
import { database } from './db/client';
import { deleteExpiredChallenges } from './db/passkeys';
import { deleteStaleRows } from './db/queries';
import { isApiPath } from './http/api-paths';
import { log } from './log';

const app = createApp();

export default {
  // wrangler.toml sends every path but the app's own files here. The API's name space, in any letter
  // case and with any trailing slash, is the API's to answer; anything else is the PWA's (its page
  // for a navigation to an unknown path).
  fetch(request, env, ctx) {
    if (isApiPath(new URL(request.url).pathname)) return app.fetch(request, env, ctx);
    return env.ASSETS.fetch(request);
  },
  /** Cron Trigger (wrangler.toml): ended sessions, forgotten failure counts, old feed rows and expired passkey challenges go. */
  async scheduled(_controller, env) {
    const db = database(env.DB);
    const now = nowSeconds();
    const deleted = await deleteStaleRows(db, now);
    log('info', 'cleanup', {
      deleted_sessions: deleted.sessions,
      deleted_login_failures: deleted.loginFailures,
      deleted_revocations: deleted.revocations,
      deleted_passkey_challenges: await deleteExpiredChallenges(db, now),
    });
  },
} satisfies ExportedHandler<Bindings>;
