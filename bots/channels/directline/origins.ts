/**
 * Which web pages may use the Direct Line routes from a browser, and which base URL clients are
 * told to use. Both are decided by configuration, never by what a request claims about itself:
 *
 * - **Origins.** A browser request carries `Origin`; it is served only when that origin is this
 *   server's own (the `PUBLIC_URL` origin, or without it the loopback origins on the listening
 *   port) or listed in `DIRECTLINE_ALLOWED_ORIGINS` (`*` = any). Allowed origins get their own
 *   origin back in `Access-Control-Allow-Origin` (never `*`); others get 403 and no CORS header.
 *   Requests without `Origin` are not from a browser page (server-side callers, native clients)
 *   and CORS does not apply to them; their credentials are checked like everyone's.
 * - **Base URL.** The Direct Line `domain`, stream URLs and upload URLs are built from `PUBLIC_URL`.
 *   Without it only requests addressed to a loopback host (`localhost`, `127.0.0.1`, `[::1]`) get
 *   URLs (that is `npm start` on one machine); any other `Host` is refused, so a forged `Host`
 *   header can never point a client or a stored attachment URL at someone else's server.
 */
import type { IncomingMessage } from 'http';
import type { AddressInfo } from 'net';
import type { Response, Server } from 'restify';
import { DirectLineHttpError } from './http';

export interface OriginPolicyOptions {
  /** `DIRECTLINE_ALLOWED_ORIGINS`: extra page origins (`https://shop.example.lt`), or `*` for any. */
  allowedOrigins: string[];
  /** `PUBLIC_URL`: the base URL clients reach this server at. */
  publicUrl?: string;
  /** The port the server listens on (for its own loopback origins when `PUBLIC_URL` is unset). */
  listeningPort: () => number | undefined;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::(\d{1,5}))?$/i;

/** `scheme://host[:port]` of a URL, lower-cased, or `undefined` when it is not an http(s) URL. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

export class OriginPolicy {
  private readonly anyOrigin: boolean;
  private readonly listed: Set<string>;
  private readonly publicBase?: string;
  private readonly publicOrigin?: string;

  constructor(private readonly o: OriginPolicyOptions) {
    this.anyOrigin = o.allowedOrigins.includes('*');
    this.listed = new Set(o.allowedOrigins.filter((x) => x !== '*').map((x) => originOf(x) ?? x.toLowerCase()));
    if (o.publicUrl) {
      this.publicBase = o.publicUrl.replace(/\/+$/, '');
      this.publicOrigin = originOf(o.publicUrl);
    }
  }

  /** True when a request with this `Origin` header may be served (no header: not a browser page). */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const o = origin.toLowerCase();
    if (this.anyOrigin || this.listed.has(o)) return true;
    return this.ownOrigins().includes(o);
  }

  /** Throws 403 unless {@link allows}; otherwise sets the CORS headers for that origin. */
  guard(req: IncomingMessage, res: Response, methods: string): void {
    const origin = headerOf(req, 'origin');
    if (!this.allows(origin)) throw new DirectLineHttpError(403, 'Forbidden', 'origin not allowed');
    if (origin !== undefined) corsHeaders(res, origin, methods);
  }

  /**
   * The base URL (`scheme://host[:port]`, no trailing slash) clients must use: `PUBLIC_URL`, or the
   * request's loopback Host over http when `PUBLIC_URL` is unset. Throws 403 for any other Host.
   */
  baseUrl(req: IncomingMessage): string {
    if (this.publicBase) return this.publicBase;
    const host = headerOf(req, 'host');
    if (host && LOOPBACK_HOST.test(host)) return `http://${host.toLowerCase()}`;
    throw new DirectLineHttpError(403, 'Forbidden', 'this server is not configured for this host');
  }

  private ownOrigins(): string[] {
    if (this.publicOrigin) return [this.publicOrigin];
    const port = this.o.listeningPort();
    if (port === undefined) return [];
    const suffix = port === 80 ? '' : `:${port}`;
    return [`http://localhost${suffix}`, `http://127.0.0.1${suffix}`, `http://[::1]${suffix}`];
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** CORS headers for an allowed origin. Credentials are bearer tokens, never cookies. */
export function corsHeaders(res: Response, origin: string, methods: string): void {
  res.header('Access-Control-Allow-Origin', origin);
  res.header('Vary', 'Origin');
  res.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, x-ms-bot-agent, x-requested-with');
  res.header('Access-Control-Allow-Methods', methods);
  res.header('Access-Control-Max-Age', '600');
}

/** The policy of a restify server: its own origins on the port it listens on, plus the configured ones. */
export function serverOrigins(server: Server, o: { allowedOrigins: string[]; publicUrl?: string }): OriginPolicy {
  return new OriginPolicy({
    ...o,
    listeningPort: () => {
      const addr = server.address() as AddressInfo | string | null;
      return addr && typeof addr !== 'string' ? addr.port : undefined;
    },
  });
}
