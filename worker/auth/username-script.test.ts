import { describe, expect, it } from 'vitest';
import { canonicalUsername } from './username';
import { mixedScriptProblem } from './username-script';

const problem = (name: string) => mixedScriptProblem(canonicalUsername(name));

describe('mixedScriptProblem (UTS #39 Highly Restrictive)', () => {
  it('accepts a name in one script, with digits, punctuation, emoji and combining marks', () => {
    for (const name of [
      'alice_92',
      'José Ramírez',
      'e\u0301cole',
      'иван-77', // Cyrillic only
      'Ωμέγα 7',
      'Ἀθηνᾶ',
      'مرحبا١٢٣',
      'שלום',
      'नमस्ते',
      'สวัสดี',
      '🦊 fox 🦊',
      '\u{1D41A}\u{1D41B}\u{1D41C}\u{1D41D}', // mathematical bold: Latin once folded
    ]) {
      expect(problem(name), name).toBeNull();
    }
  });

  it('accepts Latin with Japanese, Chinese or Korean, as the profile allows', () => {
    for (const name of [
      '山田たろうtaro',
      'カタカナー',
      'abcー',
      '王小明abc',
      'ㄅㄆ王abc',
      'kim민수',
      '한국어',
    ]) {
      expect(problem(name), name).toBeNull();
    }
  });

  it('refuses look-alike mixtures', () => {
    for (const name of [
      'p\u0430ypal', // Cyrillic а
      'g\u043Eogle', // Cyrillic о
      'amaz\u03BFn', // Greek ο
      'Zoë Ω',
      'abc مرحبا',
      'abc١٢٣', // Arabic-Indic digits belong to Arabic
      'иван ivan',
      'ひらがな한국', // Japanese and Korean together
      'ㄅㄆかな', // Bopomofo with kana
    ]) {
      expect(problem(name), name).toMatch(/mixes writing systems/);
    }
  });
});
