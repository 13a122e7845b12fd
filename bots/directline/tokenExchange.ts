import { randomBytes } from 'crypto';
import axios from 'axios';
import type { Request, Response, Server } from 'restify';
import type { DirectLineEndpoint, DirectLineTokenReply } from './directLineEndpoint';
import { DirectLineHttpError, bearerOf, readJson, sendThrown } from './http';
import { silentLogger, type DirectLineLogger } from './logger';

/** Options of {@link registerTokenExchange}. */
export interface TokenExchangeOptions {
  /** Route that issues tokens. Default `/api/directline/token`. */
  route?: string;
  /** Route that refreshes a token (Authorization: Bearer <token>). Default `/api/directline/token/refresh`. */
  refreshRoute?: string;
  /** Page origins allowed to ask for tokens (`https://example.lt`); `'*'` allows any. */
  allowedOrigins: string[];
  /** The Azure Direct Line secret. Server-side only; never sent to a browser. */
  directLineSecret?: string;
  /** Azure Direct Line API base, injectable for tests and regional bots. Default `https://directline.botframework.com/v3/directline`. */
  directLineUrl?: string;
  /** The embedded endpoint, used when no secret is configured. */
  embedded?: DirectLineEndpoint;
  /** Timeout of calls to Azure. Default 5 s. */
  timeoutMs?: number;
  logger?: DirectLineLogger;
}

/** What the web page receives: everything `WebChat.createDirectLine({ domain, token })` needs. */
export interface TokenExchangeReply extends DirectLineTokenReply {
  /** Direct Line API base the page must use (Azure's or ours). */
  domain: string;
  /** The `dl_` user id the token is bound to. */
  userId: string;
}

const USER_ID = /^dl_[A-Za-z0-9_.:@-]{1,120}$/;
const AZURE_DIRECT_LINE = 'https://directline.botframework.com/v3/directline';

/**
 * Token endpoints for the web page, identical for both deployments so the page code never changes:
 * with `directLineSecret` they exchange the secret (kept on the server) for a short-lived Azure
 * token bound to a `dl_` user id; without it they issue a token of the embedded endpoint. Requests
 * whose `Origin` is not allowed get 403.
 *
 * Body (optional): `{ "userId": "dl_…" }` to keep a returning visitor's id; otherwise one is generated.
 */
export function registerTokenExchange(server: Server, options: TokenExchangeOptions): void {
  const route = options.route ?? '/api/directline/token';
  const refreshRoute = options.refreshRoute ?? `${route}/refresh`;
  const directLineUrl = (options.directLineUrl ?? AZURE_DIRECT_LINE).replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 5000;
  const logger = options.logger ?? silentLogger;
  const secret = options.directLineSecret;
  const embedded = options.embedded;
  if (!secret && !embedded) throw new Error('registerTokenExchange(): give either directLineSecret or the embedded endpoint');

  const originAllowed = (origin: string | undefined): boolean =>
    origin !== undefined && (options.allowedOrigins.includes('*') || options.allowedOrigins.includes(origin));

  const guarded =
    (handler: (req: Request) => Promise<TokenExchangeReply>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        const origin = req.headers.origin;
        if (!originAllowed(origin)) throw new DirectLineHttpError(403, 'Forbidden', 'origin not allowed');
        setCors(res, origin as string);
        res.header('Cache-Control', 'no-store');
        res.send(200, await handler(req));
      } catch (err) {
        sendThrown(res, err, (e) => logger.error({ err: e instanceof Error ? e.message : String(e) }, 'TokenExchange: unexpected error'));
      }
    };

  const preflight = async (req: Request, res: Response): Promise<void> => {
    const origin = req.headers.origin;
    if (originAllowed(origin)) setCors(res, origin as string);
    res.send(originAllowed(origin) ? 204 : 403);
  };

  const callAzure = async (path: string, bearer: string, body?: object): Promise<DirectLineTokenReply> => {
    try {
      const { data } = await axios.post<unknown>(`${directLineUrl}${path}`, body ?? {}, {
        headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
        timeout,
        validateStatus: (s) => s >= 200 && s < 300,
      });
      if (!isTokenReply(data)) throw new Error('reply has no token');
      return { conversationId: data.conversationId, token: data.token, expires_in: data.expires_in };
    } catch (err) {
      const status = axios.isAxiosError(err) ? err.response?.status : undefined;
      logger.warn({ status, path }, `TokenExchange: Direct Line ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (status === 403 || status === 401) throw new DirectLineHttpError(403, 'TokenExpired', 'token rejected by Direct Line');
      throw new DirectLineHttpError(502, 'UpstreamError', 'Direct Line did not issue a token');
    }
  };

  server.opts(route, preflight);
  server.opts(refreshRoute, preflight);

  server.post(
    route,
    guarded(async (req) => {
      const body = await readJson(req, 4096);
      let userId = `dl_${randomBytes(16).toString('base64url')}`;
      if (body !== undefined) {
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DirectLineHttpError(400, 'BadArgument', 'body must be a JSON object');
        const asked = (body as { userId?: unknown }).userId;
        if (asked !== undefined) {
          if (typeof asked !== 'string' || !USER_ID.test(asked)) throw new DirectLineHttpError(400, 'BadArgument', 'userId must start with "dl_"');
          userId = asked;
        }
      }
      if (secret) {
        const reply = await callAzure('/tokens/generate', secret, { user: { id: userId } });
        return { ...reply, domain: directLineUrl, userId };
      }
      const ours = embedded as DirectLineEndpoint;
      return { ...(await ours.generateToken({ id: userId })), domain: ours.domain(req), userId };
    }),
  );

  server.post(
    refreshRoute,
    guarded(async (req) => {
      const token = bearerOf(req);
      if (!token) throw new DirectLineHttpError(401, 'Unauthorized', 'missing or malformed Authorization header');
      const userId = userOfToken(token) ?? '';
      if (secret) return { ...(await callAzure('/tokens/refresh', token)), domain: directLineUrl, userId };
      const ours = embedded as DirectLineEndpoint;
      return { ...(await ours.refreshToken(token)), domain: ours.domain(req), userId };
    }),
  );
}

function setCors(res: Response, origin: string): void {
  res.header('Access-Control-Allow-Origin', origin);
  res.header('Vary', 'Origin');
  res.header('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
}

function isTokenReply(v: unknown): v is DirectLineTokenReply {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.token === 'string' && typeof o.conversationId === 'string' && typeof o.expires_in === 'number';
}

/** The `user` claim of a JWT-shaped token, without verifying it (it is only echoed back to its holder). */
function userOfToken(token: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const user = typeof payload === 'object' && payload !== null ? (payload as { user?: unknown }).user : undefined;
    return typeof user === 'string' ? user : undefined;
  } catch {
    return undefined;
  }
}
