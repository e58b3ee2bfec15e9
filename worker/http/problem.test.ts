// Errors thrown inside the app, ours and Hono's, answer as RFC 9457 problem documents.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { expectProblem, ORIGIN } from '../../test/worker/http';
import { takeLogs } from '../../test/worker/logs';
import { createApp } from '../app';
import type { Bindings } from '../config';
import { ProblemError } from './problem';

/** The real app with one more route, which throws. */
async function throwing(error: Error): Promise<Response> {
  const app = createApp();
  app.get('/throws', () => {
    throw error;
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${ORIGIN}/throws`), env as Bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe('thrown errors', () => {
  it('a ProblemError answers its problem, with its detail and headers', async () => {
    const response = await throwing(
      new ProblemError('too-many-requests', 'Slow down.', { 'Retry-After': '7' }),
    );
    expect(response.headers.get('Retry-After')).toBe('7');
    expect((await expectProblem(response, 429, 'too-many-requests')).detail).toBe('Slow down.');
  });

  it.each([
    [400, 'invalid-request'],
    [401, 'invalid-token'],
    [404, 'not-found'],
    [413, 'payload-too-large'],
    [415, 'unsupported-media-type'],
  ])(
    "Hono's own HTTPException %i answers the %s problem, without the thrower's message",
    async (status, type) => {
      const response = await throwing(new HTTPException(status as 400, { message: 'internal words' }));
      const body = await expectProblem(response, status, type);
      expect(JSON.stringify(body)).not.toContain('internal words');
    },
  );

  it("keeps the headers of the exception's own response", async () => {
    const res = new Response('slow down', { status: 429, headers: { 'Retry-After': '30' } });
    const response = await throwing(new HTTPException(429, { res }));
    expect(response.headers.get('Retry-After')).toBe('30');
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    await expectProblem(response, 429, 'too-many-requests');
  });

  it('a status the vocabulary has no type for is an internal error, logged by name only', async () => {
    const response = await throwing(new HTTPException(418, { message: 'internal words' }));
    await expectProblem(response, 500, 'internal-error');
    const [line] = takeLogs({ event: 'unhandled' });
    expect(JSON.stringify(line)).not.toContain('internal words');
    expect(takeLogs({ event: 'request', status: 500 })).toHaveLength(1);
  });

  it("renders as the problem where Hono's default handler is used (an app without onError)", async () => {
    // bodyLimit's documented use throws from its onError; a bare Hono app renders getResponse().
    const app = new Hono();
    app.post(
      '/',
      bodyLimit({
        maxSize: 4,
        onError: () => {
          throw new ProblemError('payload-too-large', 'The limit is 4 bytes.');
        },
      }),
      (c) => c.text('ok'),
    );
    const response = await app.request('/', { method: 'POST', body: 'too long' });
    expect((await expectProblem(response, 413, 'payload-too-large')).detail).toBe('The limit is 4 bytes.');
  });
});
