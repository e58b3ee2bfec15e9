// Device tokens: a device that has logged in to an account before is counted on its own, so neither a
// stranger on its network nor a hard stop of its name keeps its owner out. Throttling is on here.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEVICE_TOKEN_TTL_SECONDS } from '../../worker/auth/device-token';
import { nowSeconds } from '../../worker/clock';
import type { Bindings } from '../../worker/config';
import { PASSWORD, payloadOf, requestWith, uniqueName } from './http';

// Cheaper hashing than production's, so the many real log-ins stay quick on a busy machine.
const throttled = { ...env, THROTTLING: 'on', PBKDF2_ITERATIONS: '10000' } as Bindings;
let ipCounter = 0;
const uniqueIp = () => `192.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

interface LoginOptions {
  ip?: string;
  device?: string | undefined;
  json?: boolean;
  bindings?: Bindings;
}

function logIn(username: string, password: string, options: LoginOptions = {}) {
  const { ip = uniqueIp(), device, json = true, bindings = throttled } = options;
  const fields: Record<string, string> = { username, password };
  if (device !== undefined) fields.device_token = device;
  return requestWith(bindings, '/login', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'CF-Connecting-IP': ip,
      ...(json ? { Accept: 'application/json' } : {}),
    },
    body: JSON.stringify(fields),
  });
}

async function signUp(bindings: Bindings = throttled) {
  const username = uniqueName('device');
  const response = await requestWith(bindings, '/signup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': uniqueIp() },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(response.status).toBe(201);
  return username;
}

/** Logs in asking for a device token; returns it. */
async function deviceTokenFor(username: string, bindings: Bindings = throttled): Promise<string> {
  const response = await logIn(username, PASSWORD, { device: '', bindings });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { device_token?: string };
  expect(typeof body.device_token).toBe('string');
  return body.device_token as string;
}

function freezeClock(seconds = nowSeconds()) {
  let current = seconds;
  vi.spyOn(Date, 'now').mockImplementation(() => current * 1000);
  return {
    advance: (by: number) => {
      current += by;
    },
  };
}

afterEach(() => vi.restoreAllMocks());

describe('device tokens', () => {
  it('are returned by a JSON log-in that asks, and never by one that does not or by the plain-text one', async () => {
    const username = await signUp();
    const token = await deviceTokenFor(username);
    const claims = payloadOf(token);
    expect(claims).toMatchObject({ name: username });
    expect(claims.exp).toBe((claims.iat as number) + DEVICE_TOKEN_TTL_SECONDS);
    // Its header is not an access token's: it cannot be used as one.
    expect(JSON.parse(atob(token.split('.')[0] as string))).toMatchObject({ typ: 'gatehouse-device' });
    const asAccess = await requestWith(throttled, '/data', { headers: { Authorization: token } });
    expect(asAccess.status).toBe(401);

    const unasked = await logIn(username, PASSWORD);
    expect(await unasked.json()).not.toHaveProperty('device_token');
    // The tutorial's client takes the whole body as its token: nothing else may be in it.
    const plain = await logIn(username, PASSWORD, { device: '', json: false });
    const body = await plain.text();
    expect(body.split('.')).toHaveLength(3);
    expect(
      JSON.parse(atob((body.split('.')[0] as string).replace(/-/g, '+').replace(/_/g, '/'))),
    ).toMatchObject({ typ: 'JWT' });
  });

  it('keep the device id across log-ins, and a new one starts for a device that had none', async () => {
    const username = await signUp();
    const first = await deviceTokenFor(username);
    const again = await logIn(username, PASSWORD, { device: first });
    const second = ((await again.json()) as { device_token: string }).device_token;
    expect(payloadOf(second).did).toBe(payloadOf(first).did);
    expect(payloadOf(await deviceTokenFor(username)).did).not.toBe(payloadOf(first).did);
  });

  it('let the owner in from a network a stranger has made wait, where the network alone is refused', async () => {
    freezeClock();
    const username = await signUp();
    const device = await deviceTokenFor(username);
    const shared = uniqueIp();
    for (let i = 0; i < 6; i++) await logIn(username, `stranger guess ${i}`, { ip: shared });
    expect((await logIn(username, PASSWORD, { ip: shared })).status).toBe(429);
    expect((await logIn(username, PASSWORD, { ip: shared, device })).status).toBe(200);
    // Forged, expired or other names' tokens are not recognised: the network's rule applies.
    const forged = `${device.slice(0, -2)}${device.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await logIn(username, PASSWORD, { ip: shared, device: forged })).status).toBe(429);
    const otherName = await deviceTokenFor(await signUp());
    expect((await logIn(username, PASSWORD, { ip: shared, device: otherName })).status).toBe(429);
  });

  it('let the owner in while the name is closed by distributed guessing, for a few tries only', async () => {
    freezeClock();
    const strict = { ...throttled, LOGIN_HARD_STOP_FAILURES: '10' } as Bindings;
    const username = await signUp(strict);
    const [laptop, phone] = [await deviceTokenFor(username, strict), await deviceTokenFor(username, strict)];
    for (let i = 0; i < 10; i++) await logIn(username, 'distributed guess', { bindings: strict });
    expect((await logIn(username, PASSWORD, { bindings: strict })).status).toBe(429);

    // A stolen device token gets the free failures, then the closure applies to it too.
    for (let i = 0; i < 4; i++) {
      expect((await logIn(username, `thief ${i}`, { device: laptop, bindings: strict })).status).toBe(401);
    }
    const spent = await logIn(username, PASSWORD, { device: laptop, bindings: strict });
    expect(spent.status).toBe(429);
    expect(Number(spent.headers.get('Retry-After'))).toBe(86400);

    // The owner's other device gets in, and its success ends the closure for every network.
    expect((await logIn(username, PASSWORD, { device: phone, bindings: strict })).status).toBe(200);
    expect((await logIn(username, PASSWORD, { bindings: strict })).status).toBe(200);
  });

  it('are exempt from the global failed-log-in cap, which networks are not', async () => {
    const capped = { ...throttled, FAILED_LOGINS_PER_MINUTE: '2' } as Bindings;
    const clock = freezeClock();
    clock.advance(3000 - (nowSeconds() % 60));
    const username = await signUp(capped);
    const device = await deviceTokenFor(username, capped);
    for (let i = 0; i < 2; i++) await logIn(uniqueName('ghost'), 'flood', { bindings: capped });
    expect((await logIn(username, PASSWORD, { bindings: capped })).status).toBe(429);
    expect((await logIn(username, PASSWORD, { device, bindings: capped })).status).toBe(200);
  });

  it('must be a string when sent', async () => {
    const username = await signUp();
    const response = await requestWith(throttled, '/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': uniqueIp() },
      body: JSON.stringify({ username, password: PASSWORD, device_token: 42 }),
    });
    expect(response.status).toBe(400);
  });
});
