import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coarseNetworkOf, networkOf, UNKNOWN_NETWORK } from './client-network';

describe('networkOf', () => {
  it('keys IPv4 on the address', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf(' 198.51.100.255 ')).toBe('198.51.100.255');
    expect(networkOf('0.0.0.0')).toBe('0.0.0.0');
  });

  it('keys IPv4-mapped IPv6 on the IPv4 address, in every spelling', () => {
    for (const mapped of ['::ffff:203.0.113.7', '::FFFF:cb00:7107', '0:0:0:0:0:ffff:203.0.113.7']) {
      expect(networkOf(mapped), mapped).toBe('203.0.113.7');
    }
  });

  it('keys IPv6 on its /64, however the address is written', () => {
    const spellings = [
      '2001:db8:1:2::1',
      '2001:0DB8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:db8:1:2:a::b',
      '2001:db8:1:2::',
      '2001:db8:1:2::1%eth0',
    ];
    for (const spelling of spellings) expect(networkOf(spelling), spelling).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
    expect(networkOf('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('gives unreadable or missing addresses one shared key', () => {
    for (const bad of [
      undefined,
      null,
      '',
      'localhost',
      '256.1.1.1',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4.5',
      '2001:db8::1::2',
      '2001:db8:1:2:3:4:5:6:7',
      '2001:db8:1:2:3:4:5',
      '12345::',
      '::ffff:1.2.3.256',
      '10.0.0.1, 10.0.0.2',
    ]) {
      expect(networkOf(bad), String(bad)).toBe(UNKNOWN_NETWORK);
    }
  });

  const hextet = fc.integer({ min: 0, max: 0xffff });
  const groups = fc.array(hextet, { minLength: 8, maxLength: 8 });
  const full = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  const padded = (g: number[]) => g.map((x) => x.toString(16).padStart(4, '0').toUpperCase()).join(':');

  it('(property) every address of one /64 has the key of that /64, and other /64s differ', () => {
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        // Not in ::ffff:0:0/96, which is IPv4.
        fc.pre(!(a.slice(0, 5).every((g) => g === 0) && a[5] === 0xffff));
        const sameNetwork = [...a.slice(0, 4), ...b.slice(4)];
        expect(networkOf(full(a))).toBe(networkOf(full(sameNetwork)));
        expect(networkOf(padded(a))).toBe(networkOf(full(a)));
        expect(networkOf(full(a)).endsWith('::/64')).toBe(true);
        const otherNetwork = [...b.slice(0, 4), ...a.slice(4)];
        if (a.slice(0, 4).join() !== b.slice(0, 4).join()) {
          expect(networkOf(full(otherNetwork))).not.toBe(networkOf(full(a)));
        }
      }),
    );
  });

  it('(property) an IPv4 address and its mapped IPv6 forms share one key', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        expect(networkOf(v4)).toBe(v4);
        expect(networkOf(`::ffff:${v4}`)).toBe(v4);
        expect(networkOf(`::ffff:${hex}`)).toBe(v4);
      }),
    );
  });

  it('(property) never throws, whatever the header holds', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(typeof networkOf(text)).toBe('string');
      }),
    );
  });
});

describe('coarseNetworkOf', () => {
  it('keeps an IPv4 /24 and nothing of the host', () => {
    expect(coarseNetworkOf('203.0.113.7')).toBe('203.0.113.0/24');
    expect(coarseNetworkOf('203.0.113.255')).toBe('203.0.113.0/24');
    expect(coarseNetworkOf('::ffff:203.0.113.7')).toBe('203.0.113.0/24');
    expect(coarseNetworkOf('::ffff:cb00:7107')).toBe('203.0.113.0/24');
  });

  it('keeps an IPv6 /48 in its compressed form, however the address is written', () => {
    for (const spelling of [
      '2001:db8:1:2::1',
      '2001:0DB8:0001:ffff:0:0:0:1',
      '2001:db8:1::',
      ' 2001:db8:1:a:b:c:d:e ',
    ]) {
      expect(coarseNetworkOf(spelling), spelling).toBe('2001:db8:1::/48');
    }
    expect(coarseNetworkOf('2001:db8::1')).toBe('2001:db8::/48');
    expect(coarseNetworkOf('2001:0:1:2::1')).toBe('2001:0:1::/48');
    expect(coarseNetworkOf('2001::5:1')).toBe('2001::/48');
    expect(coarseNetworkOf('::1')).toBe('::/48');
  });

  it('is null for unreadable or missing addresses', () => {
    for (const bad of [undefined, null, '', 'localhost', '256.1.1.1', '2001:db8::1::2']) {
      expect(coarseNetworkOf(bad), String(bad)).toBeNull();
    }
  });

  const hextet = fc.integer({ min: 0, max: 0xffff });
  const groups = fc.array(hextet, { minLength: 8, maxLength: 8 });
  const full = (g: number[]) => g.map((x) => x.toString(16)).join(':');

  it('(property) every address of one /48 has the same network, which names that /48 and no host', () => {
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        fc.pre(!(a.slice(0, 5).every((g) => g === 0) && a[5] === 0xffff));
        const network = coarseNetworkOf(full(a)) as string;
        expect(coarseNetworkOf(full([...a.slice(0, 3), ...b.slice(3)]))).toBe(network);
        expect(network.endsWith('::/48')).toBe(true);
        // Read back as an address, the network is the /48 with every host bit zero.
        expect(networkOf(network.replace('/48', ''))).toBe(
          networkOf(full([...a.slice(0, 3), 0, 0, 0, 0, 0])),
        );
      }),
    );
  });

  it('(property) an IPv4 network is its first three bytes', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        expect(coarseNetworkOf(v4)).toBe(`${v4.split('.').slice(0, 3).join('.')}.0/24`);
      }),
    );
  });
});
