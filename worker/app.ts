// The map of the API: middleware in the order a request meets it, then the routes.

import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { type Clock, systemClock } from './clock';
import { loadSettings, type Settings } from './config';
import type { AppEnv } from './http/context';
import { refuseCrossSite } from './http/cross-site';
import { Hono } from './http/hono';
import { problem, problemForException } from './http/problem';
import { requestLog } from './http/request-log';
import { errorFields, log } from './log';
import { accountRoutes } from './routes/account';
import { activityRoutes } from './routes/activity';
import { authRoutes } from './routes/auth';
import { dataRoutes } from './routes/data';
import { passkeyRoutes } from './routes/passkeys';
import { problemRoutes } from './routes/problems';
import { sessionRoutes } from './routes/sessions';
import { SessionCheck } from './session-check/session-check';

/** Credentials are small: 8 KiB leaves room for a 1,024-byte password fully percent-encoded. */
export const MAX_BODY_BYTES = 8 * 1024;
const HSTS = 'max-age=31536000; includeSubDomains';

export interface AppOptions {
  /** Time for the session check; tests pass their own to move it without sleeping. */
  readonly clock?: Clock;
}

/**
 * One app per isolate in production (worker/index.ts). Each app has its own session cache, so tests
 * that build several stand in for several isolates sharing one D1.
 */
export function createApp(options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const clock = options.clock ?? systemClock;
  // Settings are parsed per `env` object; the cache is sized by them, so it is made per settings too.
  const sessionChecks = new WeakMap<Settings, SessionCheck>();
  const sessionCheckFor = (settings: Settings) => {
    let check = sessionChecks.get(settings);
    if (check === undefined) {
      check = new SessionCheck({
        clock,
        maxStalenessMs: settings.revocationMaxStalenessMs,
        cacheEntries: settings.sessionCacheEntries,
      });
      sessionChecks.set(settings, check);
    }
    return check;
  };

  // Our own id for every request, never one a client sent (`headerName: ''` reads no header): a
  // client's X-Request-Id could forge or collide with another request's id in the logs.
  app.use(requestId({ headerName: '' }));
  app.use(requestLog);
  // On every response, errors included (hono's header would not reach responses built by problem()),
  // and HSTS only over HTTPS, where it means something: one layer for both, on the hot path.
  app.use(async (c, next) => {
    await next();
    c.res.headers.set('X-Request-Id', c.get('requestId'));
    if (c.req.url.startsWith('https:')) c.res.headers.set('Strict-Transport-Security', HSTS);
  });
  app.use(
    secureHeaders({
      // API responses are data, never documents: nothing may load or frame them.
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
      // Sent above, and only over HTTPS.
      strictTransportSecurity: false,
    }),
  );
  app.use(async (c, next) => {
    const result = await loadSettings(c.env);
    if (!result.ok) return problem('service-unavailable', 'The server is missing required configuration.');
    c.set('settings', result.settings);
    c.set('sessionCheck', sessionCheckFor(result.settings));
    c.set('clock', clock);
    await next();
  });
  // Browsers on other origins only when listed in CORS_ORIGINS; same-origin needs no CORS at all.
  // Only requests that carry an Origin are CORS requests; a plain OPTIONS gets its Allow answer below.
  const corsForListedOrigins = cors({
    origin: (origin, c) => (c.get('settings').corsOrigins.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Accept'],
    maxAge: 600,
  });
  app.use((c, next) => (c.req.header('Origin') === undefined ? next() : corsForListedOrigins(c, next)));
  // Before any handler: a cross-site form post must not even count as a failed log-in.
  app.use(refuseCrossSite);
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const allow = [...methods, 'OPTIONS'].join(', ');
        // A Response of its own: c.body() would start from the 404 problem's headers, Content-Type too.
        if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { Allow: allow } });
        return problem('method-not-allowed', `Use ${methods.join(' or ')}.`, { Allow: allow });
      },
    }),
  );
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => problem('payload-too-large', `The limit is ${MAX_BODY_BYTES} bytes.`),
    }),
  );

  app.route('/', authRoutes);
  app.route('/', dataRoutes);
  app.route('/', sessionRoutes);
  app.route('/', accountRoutes);
  app.route('/', activityRoutes);
  app.route('/', passkeyRoutes);
  app.route('/', problemRoutes);

  app.notFound((c) => {
    // `/DATA` or `/login/` is a typo of a real path: say which, rather than guess it with a redirect.
    const canonical = c.req.path.toLowerCase().replace(/\/+$/, '');
    const known = app.routes.some((route) => route.path === canonical && route.method !== 'ALL');
    return known && canonical !== c.req.path
      ? problem('not-found', `Paths are exact: lowercase, no trailing slash. Did you mean ${canonical}?`)
      : problem('not-found');
  });
  app.onError((error, c) => {
    // Ours (ProblemError) and Hono's own exceptions answer as problem documents.
    const answer = error instanceof HTTPException ? problemForException(error) : null;
    if (answer !== null) return answer;
    // Its name and code for us, never its message (a failed statement's parameters are there); the
    // client gets a bare 500.
    log('error', 'unhandled', { request_id: c.get('requestId'), ...errorFields(error) });
    return problem('internal-error');
  });
  return app;
}
