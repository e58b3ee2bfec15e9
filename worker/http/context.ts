import type { Bindings, Settings } from '../config';

/** What every handler sees: the bindings, and the settings validated once per isolate. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: { settings: Settings };
}

export const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="gatehouse"' } as const;

/** Unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
