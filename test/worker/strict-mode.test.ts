// Runs only in the `worker-strict` project (vitest.config.ts), where REVOCATION_MAX_STALENESS_MS=0:
// proof that the project is strict, because only a D1 read on every request can see this.
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { expectProblem, getData, newAccount, payloadOf } from './http';

it('sees a revocation written to D1 behind the Worker’s back on the very next request', async () => {
  expect(env.REVOCATION_MAX_STALENESS_MS).toBe('0');
  const { token } = await newAccount();
  expect((await getData(token)).status).toBe(200);
  await env.DB.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?')
    .bind(Math.floor(Date.now() / 1000), payloadOf(token).sid)
    .run();
  await expectProblem(await getData(token), 401, 'invalid-token');
});
