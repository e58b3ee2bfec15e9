// A short name for a device from its User-Agent string, e.g. "Chrome on Android". Only the common
// browsers and systems are told apart; the order of the checks matters, because most browsers also
// name the ones they descend from (Edge says "Chrome" and "Safari", Chrome says "Safari").
// The activity log stores this name for each event (docs/activity.md), and the PWA's Devices page
// imports it to name sessions the same way: no dependencies, nothing of the browser or the Worker.

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bCriOS\/|Chrom(?:e|ium)\//, 'Chrome'], // HeadlessChrome too
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bAndroid\b/, 'Android'],
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

function find(list: ReadonlyArray<readonly [RegExp, string]>, userAgent: string): string | undefined {
  return list.find(([pattern]) => pattern.test(userAgent))?.[1];
}

export function describeUserAgent(userAgent: string | null): string {
  if (userAgent === null) return 'Unknown device';
  const browser = find(BROWSERS, userAgent);
  const system = find(SYSTEMS, userAgent);
  if (browser !== undefined && system !== undefined) return `${browser} on ${system}`;
  if (browser !== undefined || system !== undefined) return (browser ?? system) as string;
  // Not a browser (curl, the tutorial's Flutter app, …): its first product token, e.g. "curl".
  return userAgent.match(/^[\w.-]+/)?.[0] ?? 'Unknown device';
}
