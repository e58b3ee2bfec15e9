// Times as the pages that list things show them: "2 minutes ago", with the exact time for machines
// (datetime) and on hover (title). Shared by the devices and activity pages, loaded with them.
import { dateTime } from './dates';
import { timeAgo } from './time-ago';

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
