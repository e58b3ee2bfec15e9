import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('base64url', () => {
  it('round-trips every length', () => {
    for (let length = 0; length < 40; length++) {
      const input = crypto.getRandomValues(new Uint8Array(length));
      const encoded = encodeBase64url(input);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeBase64url(encoded)).toEqual(input);
    }
  });

  it('matches RFC 4648 test vectors (url alphabet, no padding)', () => {
    const utf8 = new TextEncoder();
    expect(encodeBase64url(utf8.encode('foobar'))).toBe('Zm9vYmFy');
    expect(encodeBase64url(utf8.encode('fooba'))).toBe('Zm9vYmE');
    expect(encodeBase64url(utf8.encode('foob'))).toBe('Zm9vYg');
    expect(encodeBase64url(bytes(0xfb, 0xff))).toBe('-_8');
  });

  it('refuses padding, the standard alphabet, white space and impossible lengths', () => {
    for (const text of ['Zm9vYg==', 'Zm9vYg=', '+/8', 'Zm9v Yg', 'Zm9vY', 'Zm9v\nYg', 'Zm9vYé']) {
      expect(decodeBase64url(text), text).toBeNull();
    }
  });

  it('refuses non-canonical trailing bits', () => {
    expect(decodeBase64url('Zg')).toEqual(bytes(0x66));
    expect(decodeBase64url('Zh')).toBeNull();
    expect(decodeBase64url('Zm8')).toEqual(bytes(0x66, 0x6f));
    expect(decodeBase64url('Zm9')).toBeNull();
  });
});
