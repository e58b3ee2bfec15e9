// Per-client-network throttle on the routes that do password hashing, through the Workers Rate
// Limiting binding, so the count holds across isolates (in-memory counters do not at the edge).
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { errorFields, log } from '../log';
import { clientNetwork } from './client-network';
import type { AppEnv } from './context';
import { problem } from './problem';

/** The binding's period (wrangler.toml): how long a throttled client should wait at most. */
const PERIOD_SECONDS = 60;

/**
 * Asks the limiter about the client's network: the 429 to send, or null to go on. Started early, it can run
 * while the caller does other I/O; the caller must await it before any password hashing.
 */
export function ipThrottle(c: Context<AppEnv>): Promise<Response | null> {
  if (!c.get('settings').throttling) return Promise.resolve(null);
  // An IPv4 address or an IPv6 /64 (client-network.ts), from CF-Connecting-IP.
  return c.env.AUTH_RATE_LIMITER.limit({ key: `ip:${clientNetwork(c)}` }).then(
    ({ success }) => {
      if (success) return null;
      c.set('throttled', 'ip');
      return problem('too-many-requests', 'Too many attempts from this network. Try again in a minute.', {
        'Retry-After': String(PERIOD_SECONDS),
      });
    },
    // An unavailable limiter must not take log-in down with it; the per-name throttle still holds.
    (error: unknown) => {
      log('error', 'rate_limiter_failed', { request_id: c.get('requestId'), ...errorFields(error) });
      return null;
    },
  );
}

export const ipRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const refusal = await ipThrottle(c);
  if (refusal !== null) return refusal;
  await next();
});
