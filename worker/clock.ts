/**
 * Milliseconds since the Unix epoch. Passed in rather than read from `Date.now()` where behaviour
 * depends on time passing, so tests move time forward instead of sleeping.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** Unix seconds now: the unit of JWT claims and of every time stored in D1. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Unix seconds by `clock`: for the code whose time tests move (createApp({clock})). */
export function secondsBy(clock: Clock): number {
  return Math.floor(clock() / 1000);
}
