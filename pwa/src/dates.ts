// One way to show a date and time in the app, in the person's own locale: "Dec 30, 2026, 7:05 AM".
export const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
