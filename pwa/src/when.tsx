// Times as the pages that list things show them: "2 minutes ago", with the exact time for machines
// (datetime) and on hover (title). Shared by the devices and activity pages, loaded with them.
import { dateTime } from './dates';

const UNITS: ReadonlyArray<readonly [Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "2 minutes ago", "yesterday", "just now". */
export function timeAgo(seconds: number, nowMs = Date.now()): string {
  const elapsed = Math.max(0, nowMs / 1000 - seconds);
  for (const [unit, size] of UNITS) {
    if (elapsed >= size) return relative.format(-Math.floor(elapsed / size), unit);
  }
  return 'just now';
}

/** A time as words, with the exact time for machines (datetime) and on hover (title). */
export function When(props: { seconds: number; relative?: boolean }) {
  const date = new Date(props.seconds * 1000);
  const full = dateTime.format(date);
  return (
    <time dateTime={date.toISOString()} title={full}>
      {props.relative ? timeAgo(props.seconds) : full}
    </time>
  );
}
