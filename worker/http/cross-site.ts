// Refuses cross-site browser requests to every route that changes state (CSRF). A page on another site
// can make a visitor's browser POST a form to us without any preflight; with this guard such a
// request never reaches a handler, so it cannot sign up, log in, or count a failed log-in against
// someone's name.
//
// Not hono/csrf (hono 4.13), for three measured reasons (node_modules/hono/dist/middleware/csrf):
// - it refuses requests that carry neither `Origin` nor `Sec-Fetch-Site`, which is every request of
//   the tutorial's Flutter client and of curl: they are not browsers and must keep working;
// - it checks only form, multipart and text/plain bodies, while this rule holds for every state change;
// - it refuses by throwing an HTTPException with a plain-text body, not an RFC 9457 problem document.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context';
import { problem } from './problem';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser request is cross-site when it says `Sec-Fetch-Site: cross-site`, or when its `Origin` is
 * neither ours (the request URL's) nor listed in CORS_ORIGINS. A listed origin is the one exception to
 * the first rule: it is another site by definition, and listing it is the opt-in. `Origin: null`
 * (sandboxed frames, redirects across origins) is never ours. With neither header, the client is not a
 * browser, or a browser navigating on its own (address bar, bookmark): not cross-site.
 */
export function isCrossSite(
  origin: string | undefined,
  fetchSite: string | undefined,
  ownOrigin: string,
  listed: ReadonlySet<string>,
): boolean {
  const fromListed = origin !== undefined && listed.has(origin);
  if (origin !== undefined && origin !== ownOrigin && !fromListed) return true;
  return fetchSite?.trim().toLowerCase() === 'cross-site' && !fromListed;
}

export const refuseCrossSite = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  const crossSite = isCrossSite(
    c.req.header('Origin'),
    c.req.header('Sec-Fetch-Site'),
    new URL(c.req.url).origin,
    c.get('settings').corsOrigins,
  );
  if (crossSite) return problem('cross-site-request', 'This request came from another site.');
  await next();
});
