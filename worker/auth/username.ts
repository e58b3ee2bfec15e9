// One canonical form per username. Sign-up and log-in both go through `parseUsername`, so a name can
// only ever be claimed once, whatever spelling (composed or decomposed, fullwidth, other case) is used.

export const USERNAME_MIN_LENGTH = 4;
export const USERNAME_MAX_LENGTH = 32;

export type UsernameResult =
  | { readonly ok: true; readonly display: string; readonly canonical: string }
  | { readonly ok: false; readonly reason: string };

// Control, format (zero-width, bidi), private-use, unassigned, line/paragraph separators and every
// default-ignorable code point: characters that are invisible or render differently by context.
// Plus the blank glyphs Unicode classes as visible symbols (U+2800 BRAILLE PATTERN BLANK, U+1D159
// MUSICAL SYMBOL NULL NOTEHEAD), which make "alice⠀" look exactly like "alice".
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800\u{1D159}]/u;
// After NFKC every space-like character that survives is a real separator; only U+0020 is allowed.
const OTHER_SPACE = /[^\S ]/u;

/**
 * Case folding on top of NFKC. Upper-then-lower folds more than lower alone (ß → ss, ς → σ); the
 * lower-casing before it turns the capital sharp s ẞ, whose upper case is itself, into ß first, so
 * that "STRAẞE", "Straße" and "STRASSE" share one form. The final NFKC re-composes what case mapping
 * decomposed.
 */
export function canonicalUsername(display: string): string {
  return display.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Validates a username as typed and returns its display and canonical forms. */
export function parseUsername(input: string): UsernameResult {
  if (!input.isWellFormed()) return { ok: false, reason: 'The username contains ill-formed Unicode.' };
  // Leading and trailing white space is never part of a name (phone keyboards add it).
  const display = input.trim().normalize('NFC');
  const compatible = display.normalize('NFKC');
  if (INVISIBLE.test(compatible)) {
    return { ok: false, reason: 'The username contains control, invisible or unassigned characters.' };
  }
  if (OTHER_SPACE.test(compatible))
    return { ok: false, reason: 'The username contains white space other than spaces.' };
  if (compatible.includes('  ')) return { ok: false, reason: 'The username contains consecutive spaces.' };
  const length = codePointLength(display);
  if (length < USERNAME_MIN_LENGTH) {
    return { ok: false, reason: `The username must be at least ${USERNAME_MIN_LENGTH} characters long.` };
  }
  if (length > USERNAME_MAX_LENGTH) {
    return { ok: false, reason: `The username must be at most ${USERNAME_MAX_LENGTH} characters long.` };
  }
  return { ok: true, display, canonical: canonicalUsername(display) };
}
