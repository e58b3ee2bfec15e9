// The full rule set for a new password: the pure rules, then the shipped common-password list (D1).
import type { Database } from '../db/client';
import { isCommonPassword } from '../db/queries';
import { newPasswordProblem, normalizePassword } from './password-policy';

export async function newPasswordRefusal(
  db: Database,
  password: string,
  canonicalName: string,
): Promise<string | null> {
  const problem = newPasswordProblem(password, canonicalName);
  if (problem !== null) return problem;
  if (await isCommonPassword(db, normalizePassword(password).toLowerCase())) {
    return 'This password is one of the most commonly used ones; choose another.';
  }
  return null;
}
