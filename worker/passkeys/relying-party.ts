// Who passkeys are for (docs/passkeys.md, "Relying party"): the RP ID and the origins whose pages may
// use them, from PASSKEY_RP_ID and PASSKEY_ORIGINS, or the request's own host and origin when unset
// (local development). Every mismatch is a 400 that says which, before anything is stored or taken.
import type { Context } from 'hono';
import { originFitsRpId } from '../config';
import type { AppEnv } from '../http/context';
import { ProblemError } from '../http/problem';

/** The name browsers show in their passkey prompts. */
export const RP_NAME = 'Gatehouse';

export interface RelyingParty {
  readonly id: string;
  readonly origins: readonly string[];
}

function mismatch(detail: string): ProblemError {
  return new ProblemError('relying-party-mismatch', detail);
}

export function relyingPartyOf(c: Context<AppEnv>): RelyingParty {
  const settings = c.get('settings');
  const own = new URL(c.req.url);
  const id = settings.passkeyRpId ?? own.hostname;
  if (settings.passkeyOrigins.size > 0) return { id, origins: [...settings.passkeyOrigins] };
  if (!originFitsRpId(own.origin, id)) {
    throw mismatch(`This server (${own.hostname}) is not on PASSKEY_RP_ID (${id}) or a subdomain of it.`);
  }
  return { id, origins: [own.origin] };
}

/** A page asking for options must be one of the origins: a browser there could not use them anyway. */
export function checkPageOrigin(c: Context<AppEnv>, rp: RelyingParty): void {
  const origin = c.req.header('Origin');
  if (origin !== undefined && !rp.origins.includes(origin)) {
    throw mismatch(`Passkeys are not set up for pages on ${safeOrigin(origin)} (PASSKEY_ORIGINS).`);
  }
}

/** The origin the browser wrote into the client data must be one of the origins. */
export function checkClientOrigin(origin: string, rp: RelyingParty): void {
  if (!rp.origins.includes(origin)) {
    throw mismatch(`The passkey was used on ${safeOrigin(origin)}, which is not in PASSKEY_ORIGINS.`);
  }
}

/** The authenticator data's first 32 bytes are the SHA-256 of the RP ID it was made for. */
export async function checkRpIdHash(authenticatorData: Uint8Array, rp: RelyingParty): Promise<void> {
  const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(rp.id)));
  const actual = authenticatorData.subarray(0, 32);
  if (actual.length !== 32 || actual.some((byte, i) => byte !== expected[i])) {
    throw mismatch(`The passkey was made for another relying party ID than ${rp.id} (PASSKEY_RP_ID).`);
  }
}

/** Echoed in a detail: short and printable. */
function safeOrigin(origin: string): string {
  const printable = origin.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable;
}
