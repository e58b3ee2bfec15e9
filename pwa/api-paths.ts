// The API's paths, as the service worker must know them: a navigation to any of these must reach the
// Worker, never the cached shell. The list is the Worker's own (worker/http/api-paths.ts), so the two
// cannot drift apart; Workbox matches these against `pathname + search`.
import { API_ROOTS } from '../worker/http/api-paths.ts';

export const API_NAVIGATION_DENYLIST: RegExp[] = [new RegExp(`^/+(?:${API_ROOTS.join('|')})(?:[?/]|$)`, 'i')];
