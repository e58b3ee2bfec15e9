// Passkeys (docs/passkeys.md): register one after logging in, sign in with any of them instead of the
// password, list, rename and delete them. The password always stays.

import { networkSource } from '../auth/login-throttle';
import { randomId } from '../auth/random-id';
import { parseUsername } from '../auth/username';
import { secondsBy } from '../clock';
import { database } from '../db/client';
import {
  addPasskey,
  beginPasskeySignIn,
  listPasskeys,
  MAX_PASSKEYS_PER_ACCOUNT,
  recordCounterRegression,
  removePasskey,
  renamePasskey,
  storeChallenge,
  takeRegistrationChallenge,
  userHandleOf,
} from '../db/passkeys';
import { type Attempt, reserveAttempt } from '../db/throttle';
import { activityOrigin } from '../http/activity';
import { attemptRefused } from '../http/attempt-refusal';
import { readJsonFields } from '../http/body';
import { clientNetwork } from '../http/client-network';
import { type AppEnv, NO_STORE } from '../http/context';
import { describeUserAgent } from '../http/device-name';
import { Hono } from '../http/hono';
import { ipRateLimit, ipThrottle } from '../http/ip-rate-limit';
import { ProblemError, problem } from '../http/problem';
import { requireFreshSession } from '../http/require-fresh-session';
import { requireCurrentSession, requireSession } from '../http/require-session';
import { signIn } from '../http/sign-in';
import { log } from '../log';
import {
  MAX_PASSKEY_NAME_LENGTH,
  passkeyName,
  readAssertion,
  readRegistration,
} from '../passkeys/credential-json';
import { checkClientOrigin, checkPageOrigin, checkRpIdHash, relyingPartyOf } from '../passkeys/relying-party';
import {
  authenticationOptions,
  authenticatorDataOf,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
} from '../passkeys/webauthn';

/** Passkey ids are ours (auth/random-id.ts): 22 base64url characters. */
const PASSKEY_ID = /^[A-Za-z0-9_-]{22}$/;
/**
 * The name of a passkey registered without one: the device's, from the User-Agent of the request that
 * registered it ("Chrome on Android"), as the PWA's Devices page names sessions.
 */
function deviceName(userAgent: string | undefined): string {
  return describeUserAgent(userAgent?.slice(0, 256) ?? null).slice(0, MAX_PASSKEY_NAME_LENGTH);
}

function passkeyJson(row: { id: string; name: string; createdAt: number; lastUsedAt: number | null }) {
  return { id: row.id, name: row.name, created_at: row.createdAt, last_used_at: row.lastUsedAt };
}

function passkeyId(id: string): string {
  if (!PASSKEY_ID.test(id)) throw new ProblemError('not-found', 'You have no passkey with that id.');
  return id;
}

export const passkeyRoutes = new Hono<AppEnv>()
  .post('/passkeys/register/options', requireCurrentSession, requireFreshSession, async (c) => {
    const rp = relyingPartyOf(c);
    checkPageOrigin(c, rp);
    const { claims } = c.get('caller');
    const db = database(c.env.DB);
    const [handle, existing] = await Promise.all([
      userHandleOf(db, claims.sub),
      listPasskeys(db, claims.sub),
    ]);
    if (handle === undefined) return problem('invalid-token');
    if (existing.length >= MAX_PASSKEYS_PER_ACCOUNT) return problem('passkey-limit-reached');
    // The authenticator is told which of its credentials are registered already, so it makes no second.
    const options = registrationOptions(rp, { handle, username: claims.username }, existing);
    const now = secondsBy(c.get('clock'));
    if (
      !(await storeChallenge(
        db,
        { challenge: options.challenge, purpose: 'register', userId: claims.sub },
        now,
      ))
    ) {
      return problem('invalid-token');
    }
    return c.json(options, 200, NO_STORE);
  })
  .post('/passkeys/register', requireCurrentSession, requireFreshSession, async (c) => {
    const registration = readRegistration(await readJsonFields(c.req.raw));
    const rp = relyingPartyOf(c);
    checkClientOrigin(registration.clientData.origin, rp);
    const authenticatorData = authenticatorDataOf(registration.attestationObject);
    if (authenticatorData === null) {
      throw new ProblemError('invalid-request', 'The field "response.attestationObject" cannot be read.');
    }
    await checkRpIdHash(authenticatorData, rp);

    const { claims } = c.get('caller');
    const db = database(c.env.DB);
    const now = secondsBy(c.get('clock'));
    // Taken before the verification, whatever it says: a challenge answers one response only.
    const challenge = registration.clientData.challenge;
    if (!(await takeRegistrationChallenge(db, challenge, claims.sub, now))) {
      return problem('passkey-registration-failed', 'The challenge was used, expired or not issued to you.');
    }
    const verified = await verifyRegistration(registration.credential, challenge, rp);
    if (verified === null) return problem('passkey-registration-failed', 'The new passkey did not verify.');

    const passkey = {
      id: randomId(),
      userId: claims.sub,
      credentialId: verified.credentialId,
      publicKey: verified.publicKey,
      counter: verified.counter,
      transports: (registration.credential.response.transports ?? []).join(','),
      backupEligible: verified.backupEligible,
      backedUp: verified.backedUp,
      name: registration.name ?? deviceName(c.req.header('User-Agent')),
      createdAt: now,
    };
    const added = await addPasskey(db, passkey, { ...activityOrigin(c), sessionId: claims.sid });
    if (added === 'no-account') return problem('invalid-token');
    if (added === 'exists') return problem('passkey-exists');
    if (added === 'limit') return problem('passkey-limit-reached');
    return c.json(passkeyJson({ ...passkey, lastUsedAt: null }), 201, NO_STORE);
  })
  // Counted by the per-network limiter like a sign-in: each one stores a challenge.
  .post('/passkeys/login/options', ipRateLimit, async (c) => {
    const rp = relyingPartyOf(c);
    checkPageOrigin(c, rp);
    const fields = await readJsonFields(c.req.raw, { allowEmpty: true });
    const username = fields.get('username');
    let usernameCanonical: string | undefined;
    // Username-first: the sign-in must then be this account's. The options are the same for every
    // name, existing or not, and list no credential ids: they say nothing about the account.
    if (username !== undefined && username !== '') {
      if (typeof username !== 'string')
        throw new ProblemError('invalid-request', 'The field "username" must be a string.');
      const name = parseUsername(username);
      if (!name.ok) throw new ProblemError('invalid-request', name.reason);
      usernameCanonical = name.canonical;
    }
    const options = authenticationOptions(rp);
    const now = secondsBy(c.get('clock'));
    await storeChallenge(
      database(c.env.DB),
      {
        challenge: options.challenge,
        purpose: 'sign-in',
        ...(usernameCanonical ? { usernameCanonical } : {}),
      },
      now,
    );
    return c.json(options, 200, NO_STORE);
  })
  .post('/passkeys/login', async (c) => {
    const settings = c.get('settings');
    // The same per-network limiter as /login, asked while the body is read.
    const ipRefusal = ipThrottle(c);
    const assertion = readAssertion(await readJsonFields(c.req.raw));
    const rp = relyingPartyOf(c);
    checkClientOrigin(assertion.clientData.origin, rp);
    await checkRpIdHash(assertion.authenticatorData, rp);
    const refusal = await ipRefusal;
    if (refusal !== null) return refusal;

    const db = database(c.env.DB);
    const now = secondsBy(c.get('clock'));
    const challenge = assertion.clientData.challenge;
    const begun = await beginPasskeySignIn(db, challenge, assertion.credential.id, now);
    const { owner } = begun;
    // A failure counts against the account typed (username-first), else the passkey's, as a failed
    // password would: counted before the check, given back when the session starts.
    const name = begun.challenge?.usernameCanonical ?? owner?.user.usernameCanonical;
    let attempt: Attempt | undefined;
    if (settings.throttling && name !== undefined) {
      const reservation = await reserveAttempt(db, name, networkSource(clientNetwork(c)), now, settings);
      if (!reservation.ok) throw attemptRefused(c, reservation);
      attempt = reservation.attempt;
    }

    // One answer for every failure, like a wrong password.
    if (begun.challenge === null || owner === null) return problem('passkey-not-accepted');
    const named = begun.challenge.usernameCanonical;
    if (named !== null && named !== owner.user.usernameCanonical) return problem('passkey-not-accepted');
    if (assertion.userHandle !== undefined && assertion.userHandle !== owner.handle) {
      return problem('passkey-not-accepted');
    }
    const verified = await verifyAssertion(assertion.credential, challenge, rp, owner.passkey);
    if (verified === null) return problem('passkey-not-accepted');

    // Authenticators that keep a counter move it forward on every use; one that did not may be a clone.
    const stored = owner.passkey.counter;
    if ((verified.counter > 0 || stored > 0) && verified.counter <= stored) {
      await recordCounterRegression(db, owner.passkey.id, now);
      log('warn', 'passkey_counter_regressed', {
        request_id: c.get('requestId'),
        passkey_id: owner.passkey.id,
        user_id: owner.user.id,
        stored_counter: stored,
        reported_counter: verified.counter,
      });
      return problem('passkey-not-accepted');
    }

    return signIn(c, db, {
      user: owner.user,
      proof: {
        passkey: {
          id: owner.passkey.id,
          userId: owner.user.id,
          counter: stored,
          newCounter: verified.counter,
          usedAt: now,
        },
      },
      activity: 'passkey_sign_in',
      attempt,
      feedHead: begun.feedHead,
      now,
      refusal: 'passkey-not-accepted',
    });
  })
  .get('/passkeys', requireSession, async (c) => {
    const rows = await listPasskeys(database(c.env.DB), c.get('caller').claims.sub);
    return c.json({ passkeys: rows.map(passkeyJson) }, 200, NO_STORE);
  })
  .patch('/passkeys/:id', requireSession, async (c) => {
    const id = passkeyId(c.req.param('id'));
    const fields = await readJsonFields(c.req.raw);
    const name = passkeyName(fields.get('name'));
    if (name === undefined) throw new ProblemError('invalid-request', 'The field "name" is required.');
    const renamed = await renamePasskey(database(c.env.DB), c.get('caller').claims.sub, id, name);
    if (renamed === undefined) return problem('not-found', 'You have no passkey with that id.');
    return c.json(passkeyJson(renamed), 200, NO_STORE);
  })
  .delete('/passkeys/:id', requireCurrentSession, requireFreshSession, async (c) => {
    const id = passkeyId(c.req.param('id'));
    // Another person's passkey id is indistinguishable from one that does not exist.
    const { claims } = c.get('caller');
    const origin = { ...activityOrigin(c), sessionId: claims.sid, at: secondsBy(c.get('clock')) };
    if (!(await removePasskey(database(c.env.DB), claims.sub, id, origin))) {
      return problem('not-found', 'You have no passkey with that id.');
    }
    return c.body(null, 204);
  });
