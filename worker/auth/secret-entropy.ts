// How much randomness a signing secret can carry, judged from the secret alone: its length times the
// bits per character of the smallest alphabet it is written in. A secret that repeats a shorter block
// is judged by the block, and one that uses fewer than 10 different characters by that many. This is an upper bound (a long English sentence gets far more than it has),
// so it is a floor against obvious mistakes, not a proof of randomness; the documented generator
// (32 random bytes as base64url, 43 characters) always passes.

/** What an HS256 key needs (RFC 7518 §3.2: a key of at least the hash's size, 256 bits). */
export const MIN_SECRET_BITS = 256;

const HEX = /^[0-9a-f]+$|^[0-9A-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/;

/** Bits per character of the alphabet the text is written in. */
function bitsPerCharacter(text: string): number {
  if (HEX.test(text)) return 4;
  // Random base64 uses both cases (missing one has a chance of about 1e-10 at 43 characters): 6 bits.
  if (BASE64.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text)) return 6;
  let alphabet = 0;
  if (/[a-z]/.test(text)) alphabet += 26;
  if (/[A-Z]/.test(text)) alphabet += 26;
  if (/[0-9]/.test(text)) alphabet += 10;
  if (/[^A-Za-z0-9]/.test(text)) alphabet += 33; // ASCII punctuation and space; anything else counts alike
  return Math.log2(alphabet);
}

/** The length of the shortest block the text repeats (at least twice), or its own length. */
function repeatingLength(characters: readonly string[]): number {
  const length = characters.length;
  for (let period = 1; period <= length / 2; period++) {
    let repeats = true;
    for (let i = period; i < length && repeats; i++) repeats = characters[i] === characters[i - period];
    if (repeats) return period;
  }
  return length;
}

/** Random text of any of the alphabets above shows at least this many different characters. */
const FEW_CHARACTERS = 10;

/** The estimated randomness of a secret, in bits. */
export function secretBits(secret: string): number {
  const characters = [...secret];
  if (characters.length === 0) return 0;
  const different = new Set(characters).size;
  const perCharacter =
    different < FEW_CHARACTERS
      ? Math.min(Math.log2(different), bitsPerCharacter(secret))
      : bitsPerCharacter(secret);
  return repeatingLength(characters) * perCharacter;
}
