// POST /signup and POST /login (auth.ts), described for the OpenAPI document (docs/openapi.md).
import * as v from 'valibot';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '../auth/password-policy';
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '../auth/username';
import { LoginResponse, tokenSuccess } from '../http/token-response.openapi';
import { describeBody, type RouteDescriptions } from '../openapi/route-description';
import { LoginBody, SignupBody } from './auth';

const USERNAME = `${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters after trimming; one account per canonical form (case, accents and width do not make another name).`;

export const authDescriptions: RouteDescriptions = {
  'POST /signup': {
    operationId: 'signup',
    summary: 'Create an account',
    description:
      "The tutorial's sign-up (docs/contract.md §2). A new password is refused, with the reason, when it is shorter than " +
      `${PASSWORD_MIN_LENGTH} characters, longer than ${PASSWORD_MAX_BYTES} bytes, common, or contains the username.`,
    tag: 'Accounts',
    body: describeBody(SignupBody, {
      username: USERNAME,
      password: `At least ${PASSWORD_MIN_LENGTH} characters, at most ${PASSWORD_MAX_BYTES} bytes of UTF-8.`,
    }),
    success: {
      status: 201,
      description: 'The account exists. `Created` by default; with `Accept: application/json`, the account.',
      text: { const: 'Created' },
      json: {
        name: 'CreatedAccount',
        schema: v.strictObject({
          username: v.pipe(v.string(), v.description('The name as registered (trimmed, NFC).')),
          created_at: v.pipe(v.number(), v.integer(), v.description('Unix time, seconds.')),
        }),
      },
    },
    problems: ['username-taken', 'too-many-requests'],
  },
  'POST /login': {
    operationId: 'login',
    summary: 'Log in: a new session and its access token',
    description:
      "The tutorial's log-in (docs/contract.md §2). An unknown name and a wrong password get the same answer. " +
      'Failed attempts are throttled per network, per device and per name (docs/security.md).',
    tag: 'Accounts',
    body: describeBody(LoginBody, {
      username: USERNAME,
      password: `At most ${PASSWORD_MAX_BYTES} bytes of UTF-8.`,
      device_token:
        'The device token a previous log-in gave, or empty for a first one. Answered in JSON only.',
    }),
    success: tokenSuccess('A new session.', { name: 'LoginResponse', schema: LoginResponse }),
    problems: ['invalid-credentials', 'too-many-requests'],
  },
};
