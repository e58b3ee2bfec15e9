import { describe, expect, it } from 'vitest';
import {
  commonPasswordCandidates,
  newPasswordProblem,
  normalizePassword,
  PASSWORD_MAX_BYTES,
  passwordInputProblem,
} from './password-policy';

describe('password policy', () => {
  it('needs 8 code points, however many bytes they take', () => {
    expect(newPasswordProblem('1234567', 'alice')).toMatch(/at least 8/);
    expect(newPasswordProblem('12345678', 'alice')).toBeNull();
    expect(newPasswordProblem('🦊🦊🦊🦊🦊🦊🦊', 'alice')).toMatch(/at least 8/);
    expect(newPasswordProblem('🦊🦊🦊🦊🦊🦊🦊🦊', 'alice')).toBeNull();
  });

  it('has no composition rules and allows long passphrases with any Unicode', () => {
    expect(newPasswordProblem('all lowercase words here', 'alice')).toBeNull();
    expect(newPasswordProblem('пароль-очень-длинный-и-хороший', 'alice')).toBeNull();
  });

  it(`refuses more than ${PASSWORD_MAX_BYTES} UTF-8 bytes before any hashing`, () => {
    expect(passwordInputProblem('a'.repeat(PASSWORD_MAX_BYTES))).toBeNull();
    expect(passwordInputProblem('a'.repeat(PASSWORD_MAX_BYTES + 1))).toMatch(/at most/);
    expect(passwordInputProblem('é'.repeat(PASSWORD_MAX_BYTES / 2 + 1))).toMatch(/at most/);
  });

  it('refuses ill-formed text and passwords containing the username', () => {
    expect(passwordInputProblem('abc\uD800defgh')).toMatch(/ill-formed/);
    expect(newPasswordProblem('my name is Alice!', 'alice')).toMatch(/username/);
    // Every spelling that folds to the name counts: ß/ss, dotless ı/I/i, fullwidth.
    expect(
      newPasswordProblem('mein STRASSE 99', 'straße'.normalize('NFKC').toUpperCase().toLowerCase()),
    ).toMatch(/username/);
    expect(newPasswordProblem('my ıvan password', 'ivan')).toMatch(/username/);
    expect(newPasswordProblem('ＡＬＩＣＥ forever', 'alice')).toMatch(/username/);
  });

  it('normalises with NFKC so keyboards that compose differently agree', () => {
    expect(normalizePassword('Cafe\u0301')).toBe(normalizePassword('Café'));
    expect(normalizePassword('ｐａｓｓ')).toBe('pass');
  });

  it('looks up a common password through white space and cheap decorations', () => {
    expect(commonPasswordCandidates('  Pass  Word1! ')).toEqual([
      'pass word1!',
      'pass word',
      'password1!',
      'password',
    ]);
    expect(commonPasswordCandidates('123Sunshine')).toEqual(['123sunshine', 'sunshine']);
    expect(commonPasswordCandidates('12345678')).toEqual(['12345678']);
    expect(commonPasswordCandidates('ｐａｓｓｗｏｒｄ\u3000')).toEqual(['password']);
  });
});
