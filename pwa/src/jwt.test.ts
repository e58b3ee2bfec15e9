import { describe, expect, it } from 'vitest';
import { decodePayload, isExpired } from './jwt';

/** A token with this payload text; the header and signature are never read by the app. */
function token(payloadText: string, { urlSafe = true, padded = false } = {}): string {
  let part = btoa(payloadText);
  if (urlSafe) part = part.replaceAll('+', '-').replaceAll('/', '_');
  if (!padded) part = part.replace(/=+$/, '');
  return `eyJhbGciOiJIUzI1NiJ9.${part}.c2lnbmF0dXJl`;
}

describe('decodePayload', () => {
  it('reads username, exp and iat', () => {
    expect(decodePayload(token('{"username":"ada","exp":2000000000,"iat":1999996400}'))).toEqual({
      username: 'ada',
      exp: 2000000000,
      iat: 1999996400,
    });
  });

  it('leaves iat undefined when absent or not an integer', () => {
    expect(decodePayload(token('{"username":"ada","exp":5}'))?.iat).toBeUndefined();
    expect(decodePayload(token('{"username":"ada","exp":5,"iat":"now"}'))?.iat).toBeUndefined();
  });

  it('accepts the URL-safe and the standard alphabet, padded or not', () => {
    // "??>" encodes to "Pz8+", and "???" to "Pz8/": both non-URL-safe characters appear.
    const text = '{"username":"??>???","exp":7}';
    for (const urlSafe of [true, false]) {
      for (const padded of [true, false]) {
        expect(decodePayload(token(text, { urlSafe, padded }))?.username).toBe('??>???');
      }
    }
  });

  it('reads names the server escaped as \\uXXXX, and refuses raw non-ASCII bytes', () => {
    expect(decodePayload(token('{"username":"jos\\u00e9","exp":7}'))?.username).toBe('josé');
    expect(decodePayload(token('{"username":"jos\u00e9","exp":7}'))).toBeNull();
  });

  it.each([
    ['no payload part', 'just-one-part'],
    ['not base64', 'a.%%%.b'],
    ['not JSON', token('not json')],
    ['a JSON array', token('[1,2]')],
    ['JSON null', token('null')],
    ['no username', token('{"exp":7}')],
    ['a numeric username', token('{"username":1,"exp":7}')],
    ['no exp', token('{"username":"ada"}')],
    ['a fractional exp', token('{"username":"ada","exp":7.5}')],
    ['a string exp', token('{"username":"ada","exp":"7"}')],
  ])('returns null for %s', (_, value) => {
    expect(decodePayload(value)).toBeNull();
  });
});

describe('isExpired', () => {
  const payload = { username: 'ada', exp: 1000, iat: undefined };
  it('is expired from the exp second on', () => {
    expect(isExpired(payload, 999_999)).toBe(false);
    expect(isExpired(payload, 1_000_000)).toBe(true);
    expect(isExpired(payload, 1_000_001)).toBe(true);
  });
});
