// The map of the API: middleware in the order a request meets it, then the routes.

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { loadSettings } from './config';
import type { AppEnv } from './http/context';
import { refuseCrossSite } from './http/cross-site';
import { ProblemError, problem } from './http/problem';
import { requestLog } from './http/request-log';
import { accountRoutes } from './routes/account';
import { authRoutes } from './routes/auth';
import { dataRoutes } from './routes/data';
import { sessionRoutes } from './routes/sessions';

/** Credentials are small: 8 KiB leaves room for a 1,024-byte password fully percent-encoded. */
export const MAX_BODY_BYTES = 8 * 1024;
const HSTS = 'max-age=31536000; includeSubDomains';

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(requestLog);
  app.use(
    secureHeaders({
      // API responses are data, never documents: nothing may load or frame them.
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
      // Sent below, and only over HTTPS, where it means something.
      strictTransportSecurity: false,
    }),
  );
  app.use(async (c, next) => {
    await next();
    if (c.req.url.startsWith('https:')) c.res.headers.set('Strict-Transport-Security', HSTS);
  });
  app.use(async (c, next) => {
    const result = await loadSettings(c.env);
    if (!result.ok) return problem('service-unavailable', 'The server is missing required configuration.');
    c.set('settings', result.settings);
    await next();
  });
  // Browsers on other origins only when listed in CORS_ORIGINS; same-origin needs no CORS at all.
  // Only requests that carry an Origin are CORS requests; a plain OPTIONS gets its Allow answer below.
  const corsForListedOrigins = cors({
    origin: (origin, c) => (c.get('settings').corsOrigins.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'DELETE'],
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
        if (c.req.method === 'OPTIONS') return c.body(null, 204, { Allow: allow });
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

  app.notFound(() => problem('not-found'));
  app.onError((error) => {
    if (error instanceof ProblemError) return problem(error.type, error.detail, error.headers);
    // Logged with its cause for us, answered without it for the client.
    console.error(
      JSON.stringify({ level: 'error', event: 'unhandled', name: error.name, message: error.message }),
    );
    return problem('internal-error');
  });
  return app;
}
