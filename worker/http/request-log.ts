import type { MiddlewareHandler } from 'hono';

/**
 * One JSON line per request. Only the matched route pattern is logged, never the raw path, query,
 * headers or body, so a token or password cannot end up in the logs whatever a client sends.
 */
export const requestLog: MiddlewareHandler = async (c, next) => {
  const started = Date.now();
  await next();
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
