// The passkey routes the account page calls besides adding one (docs/passkeys.md).
import { call } from '../api';

/** One of the person's passkeys (GET /passkeys); times in seconds since the epoch. */
export interface PasskeyInfo {
  readonly id: string;
  readonly name: string;
  readonly created_at: number;
  readonly last_used_at: number | null;
}

export const passkeyApi = {
  list: (token: string) => call<{ passkeys: PasskeyInfo[] }>('GET', '/passkeys', { token }),
  rename: (token: string, id: string, name: string) =>
    call<PasskeyInfo>('PATCH', `/passkeys/${encodeURIComponent(id)}`, { token, body: { name } }),
  remove: (token: string, id: string) =>
    call<unknown>('DELETE', `/passkeys/${encodeURIComponent(id)}`, { token }),
};
