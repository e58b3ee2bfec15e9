// The API's paths, as the service worker must know them: a navigation to any of these must reach the
// Worker, never the cached shell. wrangler.toml's `[assets] run_worker_first` lists the same paths for
// the server side; the browser tests check that every path there is answered by the Worker.
// Workbox matches these against `pathname + search`.
export const API_NAVIGATION_DENYLIST: RegExp[] = [
  /^\/(?:signup|login|logout|refresh|data|password|account)(?:[?/]|$)/,
  /^\/sessions(?:[?/]|$)/,
  /^\/problems\//,
];
