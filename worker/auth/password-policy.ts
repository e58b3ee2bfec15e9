// Password rules after NIST SP 800-63B: length only, no composition rules, no truncation, any Unicode.
import { canonicalUsername } from './username';

export const PASSWORD_MIN_LENGTH = 8;
/** Checked on the UTF-8 bytes before any hashing, so nobody can make us hash megabytes. */
export const PASSWORD_MAX_BYTES = 1024;

const utf8 = new TextEncoder();

/** Problems that make a password unusable for sign-up and log-in alike (checked before hashing). */
export function passwordInputProblem(password: string): string | null {
  if (!password.isWellFormed()) return 'The password contains ill-formed Unicode.';
  if (password.length > PASSWORD_MAX_BYTES || utf8.encode(password).length > PASSWORD_MAX_BYTES) {
    return `The password must be at most ${PASSWORD_MAX_BYTES} bytes long.`;
  }
  return null;
}

/** Rules a new password must meet; `canonicalName` is the account's canonical username. */
export function newPasswordProblem(password: string, canonicalName: string): string | null {
  const inputProblem = passwordInputProblem(password);
  if (inputProblem !== null) return inputProblem;
  const normalized = normalizePassword(password);
  if ([...normalized].length < PASSWORD_MIN_LENGTH) {
    return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  }
  // Compared in the username's canonical form, so no case or compatibility spelling slips through.
  if (canonicalUsername(normalized).includes(canonicalName))
    return 'The password must not contain the username.';
  return null;
}

/**
 * NFKC, so that the same password typed on another keyboard (composed or decomposed accents,
 * fullwidth forms) still matches. Applied before hashing, at sign-up and at log-in.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * The pure rules, then the common-password list (kept in D1, so the caller passes the look-up; this
 * module stays free of storage). `isCommon` gets the NFKC, lower-cased password.
 */
export async function newPasswordRefusal(
  password: string,
  canonicalName: string,
  isCommon: (lowerCased: string) => Promise<boolean>,
): Promise<string | null> {
  const problem = newPasswordProblem(password, canonicalName);
  if (problem !== null) return problem;
  if (await isCommon(normalizePassword(password).toLowerCase())) {
    return 'This password is one of the most commonly used ones; choose another.';
  }
  return null;
}
