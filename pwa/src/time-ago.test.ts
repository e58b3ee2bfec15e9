import { describe, expect, it } from 'vitest';
import { timeAgo } from './time-ago';

const NOW_MS = 1_800_000_000_000;
const ago = (seconds: number) => timeAgo(NOW_MS / 1000 - seconds, NOW_MS);

describe('timeAgo', () => {
  it('says "just now" under a minute, and for times ahead of the device clock', () => {
    expect(ago(0)).toBe('just now');
    expect(ago(59)).toBe('just now');
    expect(ago(-3600)).toBe('just now');
  });

  it('counts whole units, rounding down', () => {
    expect(ago(60)).toBe('1 minute ago');
    expect(ago(119)).toBe('1 minute ago');
    expect(ago(2 * 3600 + 59 * 60)).toBe('2 hours ago');
    expect(ago(86400)).toBe('yesterday');
    expect(ago(3 * 86400)).toBe('3 days ago');
    expect(ago(14 * 86400)).toBe('2 weeks ago');
    expect(ago(60 * 86400)).toBe('2 months ago');
    expect(ago(400 * 86400)).toBe('last year');
  });
});
