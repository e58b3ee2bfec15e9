import type { MiddlewareHandler } from 'hono';

/**
 * One JSON line per request that changes something or fails. Only the matched route pattern is
 * logged, never the raw path, query, headers or body, so a token or password cannot end up in the
 * logs whatever a client sends. Successful reads are left to the platform's own invocation logs: a
 * line each cost more CPU than the rest of GET /data (measured by `npm run bench`, docs/session-check.md).
 */
export const requestLog: MiddlewareHandler = async (c, next) => {
  const started = Date.now();
  await next();
  if ((c.req.method === 'GET' || c.req.method === 'HEAD') && c.res.status < 400) return;
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? 'error' : 'info',
      request_id: c.get('requestId'),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      duration_ms: Date.now() - started,
      throttled: c.get('throttled'),
    }),
  );
};
