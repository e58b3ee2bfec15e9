// The client's network: what the throttles count against. One person controls an IPv4 address, but a
// whole IPv6 /64 (RFC 4291 §2.5.4 and RFC 7421: the /64 is the smallest subnet a host is given, and
// SLAAC and privacy addresses let one host pick any address in it at will). Keying IPv6 on the full
// address would give every client 2^64 fresh budgets.
//
// Why /64 and not /56 or /48: many ISPs delegate a /56 or /48 to each customer, so an attacker may own
// 256 or 65,536 /64s, but mobile carriers and hosting providers put unrelated customers in
// neighbouring /64s of one /56. A wider key would let one of them throttle the others, which is the
// very harm the per-network throttle exists to avoid; the name-wide and global caps bound what many
// /64s can do together.
import type { Context } from 'hono';

/** The key for a client whose address is missing or unreadable: such clients share one budget. */
export const UNKNOWN_NETWORK = 'unknown';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/;

function parseIpv4(text: string): number[] | null {
  return IPV4.test(text) ? text.split('.').map(Number) : null;
}

/** The eight 16-bit groups of an IPv6 address (`::` and a trailing dotted IPv4 allowed), or null. */
function parseIpv6(text: string): number[] | null {
  const address = text.toLowerCase().replace(/%.*$/, ''); // a zone id names an interface, not a host
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === null) return null;
        groups.push(
          ((v4[0] as number) << 8) | (v4[1] as number),
          ((v4[2] as number) << 8) | (v4[3] as number),
        );
      } else if (HEXTET.test(piece)) {
        groups.push(Number.parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}

/** An address as four IPv4 bytes or eight IPv6 groups (IPv4-mapped IPv6 as IPv4), or null. */
function parseAddress(address: string | null | undefined): { v4: number[] } | { v6: number[] } | null {
  const text = address?.trim() ?? '';
  const v4 = parseIpv4(text);
  if (v4 !== null) return { v4 };
  const groups = parseIpv6(text);
  if (groups === null) return null;
  // ::ffff:a.b.c.d is an IPv4 client seen through an IPv6 socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6] as number, groups[7] as number];
    return { v4: [high >> 8, high & 0xff, low >> 8, low & 0xff] };
  }
  return { v6: groups };
}

/**
 * The network an address belongs to: an IPv4 address itself (IPv4-mapped IPv6 such as
 * `::ffff:192.0.2.1` included), or the /64 prefix of an IPv6 address as `2001:db8:1:2::/64`.
 * Anything else is UNKNOWN_NETWORK.
 */
export function networkOf(address: string | null | undefined): string {
  const parsed = parseAddress(address);
  if (parsed === null) return UNKNOWN_NETWORK;
  if ('v4' in parsed) return parsed.v4.join('.');
  return `${parsed.v6
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The coarse network the activity log shows (docs/activity.md): an IPv4 /24 as `203.0.113.0/24`, an
 * IPv6 /48 as `2001:db8:1::/48` (RFC 5952's compressed form), or null for an unreadable address. Wider
 * than the throttle's key on purpose: it tells a person "my home, my office, somewhere else", which a
 * /24 or a site's /48 does, without keeping the address of the device.
 */
export function coarseNetworkOf(address: string | null | undefined): string | null {
  const parsed = parseAddress(address);
  if (parsed === null) return null;
  if ('v4' in parsed) return `${parsed.v4.slice(0, 3).join('.')}.0/24`;
  // The five zero groups after the prefix are the longest run, so `::` always takes them; zero groups
  // at the prefix's end join that run.
  const prefix = parsed.v6.slice(0, 3);
  while (prefix.at(-1) === 0) prefix.pop();
  return `${prefix.map((g) => g.toString(16)).join(':')}::/48`;
}

/**
 * The request's client network, from `CF-Connecting-IP`: set by Cloudflare's edge and not forgeable by
 * the client, unlike `X-Forwarded-For` or `X-Real-IP`, which are never read.
 */
export function clientNetwork(c: Context): string {
  return networkOf(c.req.header('CF-Connecting-IP'));
}

/** The request's coarse network (coarseNetworkOf), from the same header. */
export function clientCoarseNetwork(c: Context): string | null {
  return coarseNetworkOf(c.req.header('CF-Connecting-IP'));
}
