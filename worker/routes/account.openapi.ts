// The caller's account (account.ts), described for the OpenAPI document (docs/openapi.md).
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '../auth/password-policy';
import { tokenSuccess } from '../http/token-response.openapi';
import { describeBody, type RouteDescriptions } from '../openapi/route-description';
import { AccountDeletionBody, PasswordChangeBody } from './account';

const CONFIRMATION =
  "The account's current password. A wrong one counts as a failed log-in against the caller's session (docs/security.md).";

export const accountDescriptions: RouteDescriptions = {
  'POST /password': {
    operationId: 'changePassword',
    summary: 'Change the password',
    description:
      "Every session of the account ends, the caller's too; the caller continues in a new session, answered like a log-in.",
    tag: 'Account',
    authenticated: true,
    body: describeBody(PasswordChangeBody, {
      current_password: CONFIRMATION,
      new_password: `At least ${PASSWORD_MIN_LENGTH} characters, at most ${PASSWORD_MAX_BYTES} bytes of UTF-8; not common, not containing the username.`,
    }),
    success: tokenSuccess('The password is changed; a token of the new session.'),
    problems: ['wrong-password', 'too-many-requests'],
  },
  'DELETE /account': {
    operationId: 'deleteAccount',
    summary: 'Delete the account',
    description: 'Deletes the account and ends every session; the name can be registered again.',
    tag: 'Account',
    authenticated: true,
    body: describeBody(AccountDeletionBody, { password: CONFIRMATION }),
    success: { status: 204, description: 'The account is gone.' },
    problems: ['wrong-password', 'too-many-requests'],
  },
};
