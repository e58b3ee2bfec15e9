import { describe, expect, it } from 'vitest';
import { canonicalUsername, parseUsername, USERNAME_MAX_LENGTH } from './username';

function canonical(input: string): string {
  const result = parseUsername(input);
  if (!result.ok) throw new Error(`refused ${JSON.stringify(input)}: ${result.reason}`);
  return result.canonical;
}

function refused(input: string): string {
  const result = parseUsername(input);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(input)}`);
  return result.reason;
}

describe('parseUsername', () => {
  it('keeps the display form as typed (NFC, trimmed)', () => {
    expect(parseUsername('  José Ramírez ')).toEqual({
      ok: true,
      display: 'José Ramírez',
      canonical: 'josé ramírez',
    });
    expect(parseUsername('Jose\u0301')).toMatchObject({ display: 'José' });
  });

  it('maps look-alike spellings to one canonical form', () => {
    const base = canonical('josé');
    expect(canonical('Jose\u0301')).toBe(base); // decomposed accent
    expect(canonical('JOSÉ')).toBe(base); // case
    expect(canonical('ｊｏｓé')).toBe(base); // fullwidth letters
    expect(canonical('\u212Aelvin')).toBe(canonical('kelvin')); // KELVIN SIGN
    expect(canonical('\u212Bngstrom')).toBe(canonical('ångstrom')); // ANGSTROM SIGN
    expect(canonical('straße')).toBe(canonical('STRASSE')); // full case folding
    expect(canonical('ΟΔΟΣ')).toBe(canonical('οδοσ')); // final sigma
    expect(canonical('ﬁsh1')).toBe(canonical('fish1')); // ligature
  });

  it('counts length in code points: 4 minimum, a documented maximum', () => {
    expect(refused('abc')).toMatch(/at least 4/);
    expect(refused('   ab  ')).toMatch(/at least 4/);
    expect(canonical('🦊🦊🦊🦊')).toBe('🦊🦊🦊🦊');
    expect(canonical('a'.repeat(USERNAME_MAX_LENGTH))).toHaveLength(USERNAME_MAX_LENGTH);
    expect(refused('a'.repeat(USERNAME_MAX_LENGTH + 1))).toMatch(/at most/);
  });

  it('refuses control, invisible, bidi and ill-formed characters', () => {
    for (const input of [
      'ali\u0000ce',
      'ali\u0007ce',
      'ali\u200Bce', // zero-width space
      'ali\u200Dce', // zero-width joiner
      'ali\u00ADce', // soft hyphen
      'ali\u202Ece', // right-to-left override
      'ali\u2066ce', // left-to-right isolate
      'ali\uFE0Fce', // variation selector
      'ali\uE000ce', // private use
      'ali\u2028ce', // line separator
      'ali\uD800ce', // lone surrogate
      'ali\tce',
      'ali\nce',
    ]) {
      expect(parseUsername(input).ok, JSON.stringify(input)).toBe(false);
    }
  });

  it('allows single inner spaces only', () => {
    expect(canonical('ann lee')).toBe('ann lee');
    expect(canonical('ann\u00A0lee')).toBe('ann lee'); // NBSP is a space after NFKC
    expect(refused('ann  lee')).toMatch(/consecutive/);
  });

  it('accepts SQL metacharacters as ordinary text', () => {
    expect(canonical("o'brien; DROP TABLE users;--")).toBe("o'brien; drop table users;--");
  });

  it('exposes the canonical function used by sign-up and log-in', () => {
    expect(canonicalUsername('ÅSAR')).toBe(canonical('åsar'));
  });
});
