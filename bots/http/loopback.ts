/**
 * Who is "on this machine". Used by the endpoints that trust loopback callers without a credential
 * (anonymous `/api/messages`, `/metrics`, the LUIS-compatible endpoint).
 *
 * A request counts as loopback only when its TCP peer is a loopback address **and** it carries no
 * forwarding header (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`): a reverse proxy on the same
 * machine connects from 127.0.0.1 on behalf of anyone on the internet, and the ones in common use
 * add such a header.
 */
import type { IncomingMessage } from 'http';
import { isIP } from 'net';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (a === '::1') return true;
  return isIP(a) === 4 && a.startsWith('127.');
}

/** True when the request came from this machine directly (loopback peer, no proxy header). */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  const h = req.headers;
  if (h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined) return false;
  return isLoopbackAddress(req.socket?.remoteAddress);
}

/** True for an http(s) URL whose host is `localhost`, 127.x.x.x or [::1]. */
export function isLoopbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (host === 'localhost') return true;
  if (host === '[::1]') return true;
  return isLoopbackAddress(host);
}

/** True when a listen address (`server.address().address`) accepts connections only from this machine. */
export function isLoopbackBind(address: string | undefined): boolean {
  return address === 'localhost' || isLoopbackAddress(address);
}
