import { describe, expect, it } from 'vitest';
import { tokenFromAuthorization } from './access-token';

describe('tokenFromAuthorization', () => {
  it('takes the raw token (the tutorial client) or a Bearer token, scheme case-insensitive', () => {
    expect(tokenFromAuthorization('a.b.c')).toBe('a.b.c');
    expect(tokenFromAuthorization('Bearer a.b.c')).toBe('a.b.c');
    expect(tokenFromAuthorization('\t bEaReR   a.b.c ')).toBe('a.b.c');
  });

  it('refuses other schemes, extra parts and white space HTTP does not define', () => {
    for (const header of [
      null,
      undefined,
      '',
      ' ',
      'Basic a.b.c',
      'Bearer a.b.c extra',
      'Bearer Bearer a.b.c',
      '\va.b.c',
      'Bearer\u00a0a.b.c',
      'Bearer\ta.b.c',
    ]) {
      const token = tokenFromAuthorization(header);
      expect(token === null || token !== 'a.b.c', JSON.stringify(header)).toBe(true);
    }
  });
});
