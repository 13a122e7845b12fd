/**
 * The address of the client behind an HTTP request, for per-address limits (the Direct Line
 * conversation quota, the fair-use per-IP limit of anonymous web visitors).
 *
 * `X-Forwarded-For` is anyone's to write, so it is read only when the TCP peer is a proxy this
 * deployment trusts (`TRUSTED_PROXIES`, e.g. App Service's front ends), and then from the right:
 * each trusted proxy appends the address it saw, so the right-most address that is not itself a
 * trusted proxy is the client; whatever a client wrote to the left of it is ignored. From any other
 * peer the header is ignored and the peer is the client.
 *
 * @example
 * const addressOf = clientAddressResolver(['private']);
 * addressOf(req); // '198.51.100.7' for a request App Service forwarded from that address
 */
import type { IncomingMessage } from 'http';
import { BlockList, isIP } from 'net';

/** Named sets accepted in `TRUSTED_PROXIES` besides addresses and CIDR ranges. */
export const PROXY_SETS: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  /** RFC 1918, link-local and unique-local ranges: where App Service's front ends and VNet load balancers talk from. */
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'],
};

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else unchanged. */
function unmapped(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * One `X-Forwarded-For` element as an address: App Service writes `ip:port` for IPv4 and
 * `[ip]:port` for IPv6; others write the bare address. `undefined` when it is not an address.
 */
export function forwardedAddress(element: string): string | undefined {
  const e = element.trim();
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(e);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(e);
  const port = (bracketed ?? withPort)?.[2];
  if (port !== undefined && Number(port) > 65535) return undefined;
  const candidate = bracketed ? bracketed[1] : withPort ? withPort[1] : e;
  return isIP(candidate) ? unmapped(candidate) : undefined;
}

/** Trusted proxies from `TRUSTED_PROXIES` entries: addresses, CIDR ranges, `loopback`, `private`. Throws on anything else. */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  const add = (entry: string): void => {
    const set = PROXY_SETS[entry.toLowerCase()];
    if (set) return set.forEach(add);
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    if (!family || extra !== undefined) throw new Error(`trustedProxies(): "${entry}" is not an address, a CIDR range, loopback or private`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) return list.addAddress(address, type);
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) throw new Error(`trustedProxies(): "${entry}" has an invalid prefix length`);
    list.addSubnet(address, prefix, type);
  };
  entries.forEach(add);
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client address of a request given the trusted proxies (none: always the TCP peer).
 * `undefined` only when the socket has no peer address (already closed).
 */
export function clientAddressResolver(trusted: readonly string[] | BlockList): (req: IncomingMessage) => string | undefined {
  const list = Array.isArray(trusted) ? trustedProxies(trusted) : (trusted as BlockList);
  const any = !Array.isArray(trusted) || trusted.length > 0;
  return (req) => {
    const raw = req.socket?.remoteAddress;
    if (!raw) return undefined;
    let client = unmapped(raw);
    if (!any || !isTrusted(list, client)) return client;
    const header = req.headers['x-forwarded-for'];
    const elements = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    for (let i = elements.length - 1; i >= 0; i--) {
      if (elements[i].trim() === '') continue;
      const hop = forwardedAddress(elements[i]);
      // A malformed element was written by whoever sent it to the last trusted hop: that hop's client is all we know.
      if (!hop) return client;
      client = hop;
      if (!isTrusted(list, hop)) return hop;
    }
    return client;
  };
}
