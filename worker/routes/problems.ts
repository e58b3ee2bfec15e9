// GET /problems/:type: every problem's `type` is an address, and it answers with what the type means,
// from the table that defines the types. Relative URIs (RFC 9457 §3.1.1 resolves them against the
// request) keep the documented `type` values unchanged for clients that compare them, and need no
// second site to stay in step with the code.

import type { AppEnv } from '../http/context';
import { Hono } from '../http/hono';
import { isProblemType, PROBLEMS, problem, problemTypeUri } from '../http/problem';

export const problemRoutes = new Hono<AppEnv>().get('/problems/:type', (c) => {
  const type = c.req.param('type');
  if (!isProblemType(type)) return problem('not-found', 'No problem type has this name.');
  const { status, title, description } = PROBLEMS[type];
  return c.text(`${problemTypeUri(type)}\n${status} ${title}\n\n${description}\n`, 200, {
    'Cache-Control': 'public, max-age=86400',
  });
});
