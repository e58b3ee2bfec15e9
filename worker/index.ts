import { createApp } from './app';
import { cleanUp } from './cleanup';
import type { Bindings } from './config';
import { isApiPath } from './http/api-paths';

const app = createApp();

export default {
  // wrangler.toml sends every path but the app's own files here. The API's name space, in any letter
  // case and with any trailing slash, is the API's to answer; anything else is the PWA's (its page
  // for a navigation to an unknown path).
  fetch(request, env, ctx) {
    if (isApiPath(new URL(request.url).pathname)) return app.fetch(request, env, ctx);
    return env.ASSETS.fetch(request);
  },
  /** Cron Trigger (wrangler.toml): the nightly clean-up (worker/cleanup.ts). */
  async scheduled(_controller, env) {
    await cleanUp(env);
  },
} satisfies ExportedHandler<Bindings>;
