import { describe, expect, it } from 'vitest';
import { refreshDueAt } from './refresh-timing';
import type { Session } from './session';

const HOUR = 3600;
const DAY = 24 * HOUR;

function session(iat: number | undefined, exp: number, receivedAt?: number): Session {
  return { token: 't', username: 'ada', iat, exp, receivedAt };
}

describe('refreshDueAt', () => {
  it('cannot tell without iat, or with a lifetime that is not positive', () => {
    expect(refreshDueAt(session(undefined, 10_000))).toBeNull();
    expect(refreshDueAt(session(10_000, 10_000))).toBeNull();
    expect(refreshDueAt(session(10_001, 10_000))).toBeNull();
  });

  it('is due at half the lifetime of a short-lived token', () => {
    // One hour: a fifth (12 min) is less than half (30 min), so half wins.
    expect(refreshDueAt(session(0, HOUR))).toBe((HOUR / 2) * 1000);
  });

  it('is due a day before the end of a token of a few days', () => {
    expect(refreshDueAt(session(0, 4 * DAY))).toBe(3 * DAY * 1000);
  });

  it('is due when a fifth of a long lifetime remains', () => {
    // Thirty days: a fifth (6 days) is more than a day.
    expect(refreshDueAt(session(0, 30 * DAY))).toBe(24 * DAY * 1000);
  });

  it('waits half the lifetime after the token arrived, whatever iat says', () => {
    // A device clock far ahead would otherwise find every new token already due.
    const receivedAt = 10 * DAY * 1000;
    expect(refreshDueAt(session(0, 30 * DAY, receivedAt))).toBe(receivedAt + 15 * DAY * 1000);
    // Received before the usual due time: the usual time stands.
    expect(refreshDueAt(session(0, 30 * DAY, 1000))).toBe(24 * DAY * 1000);
  });
});
