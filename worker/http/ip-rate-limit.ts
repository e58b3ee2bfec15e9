// Per-client-IP throttle on the routes that do password hashing, through the Workers Rate Limiting
// binding, so the count holds across isolates (in-memory counters do not at the edge).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context';
import { problem } from './problem';

/** The binding's period (wrangler.toml): how long a throttled client should wait at most. */
const PERIOD_SECONDS = 60;

export const ipRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get('settings').throttling) return next();
  // Set by Cloudflare's edge and not forgeable by the client, unlike X-Forwarded-For or X-Real-IP.
  const ip = c.req.header('CF-Connecting-IP') ?? 'unknown';
  const { success } = await c.env.AUTH_RATE_LIMITER.limit({ key: `ip:${ip}` });
  if (!success) {
    c.set('throttled', 'ip');
    return problem('too-many-requests', 'Too many attempts from this network. Try again in a minute.', {
      'Retry-After': String(PERIOD_SECONDS),
    });
  }
  await next();
});
