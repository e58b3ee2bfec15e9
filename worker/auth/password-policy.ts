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

/** A cheap decoration at the end of a password: digits and the symbols people add to meet old rules. */
const TRAILING_DECORATION = /[0-9!@#$%^&*?.]+$/u;
/** Digits in front ("123password"). */
const LEADING_DIGITS = /^[0-9]+/u;

/**
 * The forms of a password to look up in the common-password list: NFKC, lower-cased, white space
 * trimmed and runs of it collapsed ("password ", "pass  word"), also with no white space at all
 * ("pass word"); each of these also without a trailing run of digits and `!@#$%^&*?.` ("password1!",
 * "password2024") and without leading digits ("123password"). The list holds only passwords of 8 or
 * more characters, so a shorter remainder ("monkey" of "monkey123") finds nothing.
 */
export function commonPasswordCandidates(password: string): string[] {
  const collapsed = normalizePassword(password).toLowerCase().trim().replace(/\s+/gu, ' ');
  const candidates = new Set<string>();
  for (const form of [collapsed, collapsed.replace(/ /g, '')]) {
    const trailing = form.replace(TRAILING_DECORATION, '').trim();
    for (const candidate of [
      form,
      trailing,
      form.replace(LEADING_DIGITS, '').trim(),
      trailing.replace(LEADING_DIGITS, '').trim(),
    ]) {
      if (candidate !== '') candidates.add(candidate);
    }
  }
  return [...candidates];
}

/**
 * The pure rules, then the common-password list (kept in D1, so the caller passes the look-up; this
 * module stays free of storage). `isCommon` gets the forms of commonPasswordCandidates().
 */
export async function newPasswordRefusal(
  password: string,
  canonicalName: string,
  isCommon: (candidates: readonly string[]) => Promise<boolean>,
): Promise<string | null> {
  const problem = newPasswordProblem(password, canonicalName);
  if (problem !== null) return problem;
  if (await isCommon(commonPasswordCandidates(password))) {
    return 'This password is one of the most commonly used ones, or one with a little added; choose another.';
  }
  return null;
}
