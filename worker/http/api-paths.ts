// The API's name space, one list for two readers: worker/index.ts sends these paths to the API and
// every other one to the PWA's static files, and the PWA's service worker never answers a navigation
// to them with its cached page (pwa/api-paths.ts). No dependencies: the PWA's build imports it too.

/** The first segment of every API path. */
export const API_ROOTS = [
  'signup',
  'login',
  'logout',
  'refresh',
  'data',
  'sessions',
  'password',
  'account',
  'activity',
  'passkeys',
  'problems',
] as const;

/**
 * A root in any letter case, alone or followed by `/…`, after any number of leading slashes: `/DATA`,
 * `/data/` and `//Login` are the API's to answer (with a problem), never the app's page.
 */
const API_PATH = new RegExp(`^/+(?:${API_ROOTS.join('|')})(?:/|$)`, 'i');

/** Whether a URL path (percent-encoded or not) belongs to the API. */
export function isApiPath(pathname: string): boolean {
  if (API_PATH.test(pathname)) return true;
  try {
    return API_PATH.test(decodeURIComponent(pathname));
  } catch {
    return false;
  }
}
