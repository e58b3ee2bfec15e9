import type { MiddlewareHandler } from 'hono';
import { log } from '../log';
import type { AppEnv } from './context';

/** A client's own X-Request-Id is logged, for matching with its logs, only when short and plain. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:=-]{1,64}$/;

/**
 * One JSON line per request that changes something or fails. Only the matched route pattern is
 * logged, never the raw path, query, headers or body, so a token or password cannot end up in the
 * logs whatever a client sends. `request_id` is always ours (see app.ts); a client's id is a separate
 * field. Successful reads are left to the platform's own invocation logs: a line each cost more CPU
 * than the rest of GET /data (measured by `npm run bench`, docs/session-check.md).
 */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  await next();
  if ((c.req.method === 'GET' || c.req.method === 'HEAD') && c.res.status < 400) return;
  const clientId = c.req.header('X-Request-Id');
  log(c.res.status >= 500 ? 'error' : 'info', 'request', {
    request_id: c.get('requestId'),
    client_request_id: clientId !== undefined && CLIENT_REQUEST_ID.test(clientId) ? clientId : undefined,
    method: c.req.method,
    route: c.req.routePath,
    status: c.res.status,
    duration_ms: Date.now() - started,
    throttled: c.get('throttled'),
  });
};
