// A replay of the original tutorial's Flutter client, byte for byte where it matters (docs/contract.md §1):
// Dart's form encoding, no Accept header, the whole /login body kept as the token, the payload
// decoded as ASCII, and the raw token in Authorization.
import { describe, expect, it } from 'vitest';
import { request, uniqueName } from './http';

/** Dart's `Uri.encodeQueryComponent`: space as `+`, everything but `A-Za-z0-9-._~` percent-encoded. */
function dartEncode(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const DART_HEADERS = {
  'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
  'User-Agent': 'Dart/3.5 (dart:io)',
  'Accept-Encoding': 'gzip',
};

function dartPost(path: string, fields: Record<string, string>) {
  const body = Object.entries(fields)
    .map(([name, value]) => `${dartEncode(name)}=${dartEncode(value)}`)
    .join('&');
  return request(path, { method: 'POST', headers: DART_HEADERS, body });
}

/** `json.decode(ascii.decode(base64.decode(base64.normalize(parts[1]))))`, failing where Dart would throw. */
function dartDecodePayload(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('invalid token');
  let normalized = (parts[1] as string).replaceAll('-', '+').replaceAll('_', '/');
  while (normalized.length % 4 !== 0) normalized += '=';
  const bytes = Uint8Array.from(atob(normalized), (c) => c.charCodeAt(0));
  for (const byte of bytes) if (byte > 0x7f) throw new Error('FormatException: Invalid value in input');
  return JSON.parse(String.fromCharCode(...bytes));
}

describe('the tutorial client against Gatehouse', () => {
  for (const base of ['tutorial', 'josé', 'Zoë ☕ 🦊']) {
    it(`runs the whole flow for a username like ${JSON.stringify(base)}`, async () => {
      const username = `${base}${uniqueName('')}`.slice(0, 32);
      const password = 'pässwörd & more+=%';

      const signup = await dartPost('/signup', { username, password });
      expect(signup.status).toBe(201); // "Success"
      const again = await dartPost('/signup', { username, password });
      expect(again.status).toBe(409); // "That username is already registered"

      const login = await dartPost('/login', { username, password });
      expect(login.status).toBe(200);
      const jwt = await login.text(); // the whole body, untrimmed
      const payload = dartDecodePayload(jwt);
      expect(payload.username).toBe(username);
      expect(Number.isInteger(payload.exp)).toBe(true);
      expect(payload.exp as number).toBeGreaterThan(Date.now() / 1000);

      const data = await request('/data', { headers: { Authorization: jwt } });
      expect(data.status).toBe(200);
      expect((await data.text()).length).toBeGreaterThan(0);
    });
  }

  it('gets a non-200 for a wrong password ("no account matching")', async () => {
    const username = uniqueName('tut');
    expect((await dartPost('/signup', { username, password: 'right password' })).status).toBe(201);
    expect((await dartPost('/login', { username, password: 'wrong password' })).status).toBe(401);
    expect(
      (await dartPost('/login', { username: uniqueName('nobody'), password: 'right password' })).status,
    ).toBe(401);
  });

  it('gets >= 400 on /data with a stored token that is no longer valid', async () => {
    const response = await request('/data', { headers: { Authorization: 'eyJhbGciOiJIUzI1NiJ9.e30.x' } });
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});
