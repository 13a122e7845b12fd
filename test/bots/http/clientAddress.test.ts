/** The client address behind trusted proxies only (`TRUSTED_PROXIES`), and its configuration. */
import type { IncomingMessage } from 'http';
import { clientAddressResolver, forwardedAddress, trustedProxies } from '../../../bots/http/clientAddress';
import { loadConfig } from '../../../services/config';

const req = (peer: string | undefined, xff?: string | string[]): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('clientAddressResolver', () => {
  const appService = clientAddressResolver(['private']);
  const cases: [what: string, trusted: string[], peer: string | undefined, xff: string | string[] | undefined, expected: string | undefined][] = [
    ['no trusted proxies: the header is ignored', [], '203.0.113.9', '198.51.100.7', '203.0.113.9'],
    ['an untrusted peer cannot choose its address', ['private'], '203.0.113.9', '198.51.100.7', '203.0.113.9'],
    ['IPv4-mapped peers are unmapped', [], '::ffff:203.0.113.9', undefined, '203.0.113.9'],
    ['a trusted peer: its forwarded client', ['private'], '169.254.129.3', '198.51.100.7', '198.51.100.7'],
    ['App Service writes ip:port', ['private'], '::ffff:169.254.129.3', '198.51.100.7:53412', '198.51.100.7'],
    ['App Service writes [ipv6]:port', ['private'], '169.254.129.3', '[2001:db8::5]:53412', '2001:db8::5'],
    ['what a client wrote left of the proxy is ignored', ['private'], '10.0.0.4', '1.1.1.1, 8.8.8.8, 198.51.100.7', '198.51.100.7'],
    ['a chain of trusted proxies is walked from the right', ['private', '192.0.2.10'], '10.0.0.4', '198.51.100.7, 192.0.2.10, 172.16.0.9', '198.51.100.7'],
    ['garbage appended by no one we trust is not believed', ['private'], '10.0.0.4', 'not-an-ip', '10.0.0.4'],
    ['a trusted peer without the header is the client', ['private'], '10.0.0.4', undefined, '10.0.0.4'],
    ['several header lines count as one list', ['private'], '10.0.0.4', ['1.1.1.1', '198.51.100.7'], '198.51.100.7'],
    ['only the listed address is trusted', ['127.0.0.2'], '127.0.0.1', '198.51.100.7', '127.0.0.1'],
    ['a listed address is trusted', ['127.0.0.2'], '127.0.0.2', '198.51.100.7', '198.51.100.7'],
    ['a closed socket has no address', ['private'], undefined, '198.51.100.7', undefined],
  ];
  test.each(cases)('%s', (_what, trusted, peer, xff, expected) => {
    expect(clientAddressResolver(trusted)(req(peer, xff))).toBe(expected);
  });

  test('a flood of spoofed headers from an untrusted peer is one address', () => {
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 200; i++) seen.add(appService(req('203.0.113.9', `10.0.${i}.1, 198.51.${i}.7`)));
    expect([...seen]).toEqual(['203.0.113.9']);
  });

  test('forwardedAddress accepts addresses with and without ports, nothing else', () => {
    expect(forwardedAddress(' 198.51.100.7 ')).toBe('198.51.100.7');
    expect(forwardedAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(forwardedAddress('[2001:db8::1]')).toBe('2001:db8::1');
    for (const bad of ['', 'unknown', '198.51.100.7:99999', 'evil.example', '198.51.100.7/24', '[198.51.100.7']) expect(forwardedAddress(bad)).toBeUndefined();
  });

  test('trustedProxies refuses what is not an address, a range or a named set', () => {
    expect(() => trustedProxies(['10.0.0.0/33'])).toThrow(/prefix length/);
    expect(() => trustedProxies(['proxy.example'])).toThrow(/not an address/);
    expect(trustedProxies(['loopback']).check('127.0.0.1')).toBe(true);
  });
});

describe('TRUSTED_PROXIES', () => {
  test('parses a list; names the variable for a bad entry', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: 'private, 192.0.2.10, 2001:db8::/32' }).trustedProxies).toEqual(['private', '192.0.2.10', '2001:db8::/32']);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'private,lb.example' })).toThrow(/TRUSTED_PROXIES.*expected addresses, CIDR ranges/);
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/40' })).toThrow(/TRUSTED_PROXIES/);
  });
});
