/**
 * The web page's token route, identical for both deployments so the page code never changes:
 * with `directLineSecret` it exchanges the secret (kept on the server) for a short-lived Azure
 * token; without it, it issues a conversation of the embedded endpoint. Either way:
 *
 * - only pages of allowed origins are served (a request without `Origin` is not a page: 403);
 * - the user id is the server's: a returning visitor presents the signed credential it was given
 *   (`visitor`), anything else — a bare or forged id, a bad signature — gets a new `dl_` id;
 * - every new conversation counts against per-client and global quotas (429 with `Retry-After`).
 */
import axios from 'axios';
import type { IncomingMessage } from 'http';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../../../services/logging/logger';
import type { VisitorIds } from './auth';
import type { DirectLineTokenReply } from './conversations';
import type { DirectLineEndpoint } from './endpoint';
import { DirectLineHttpError, bearerOf, readJson, sendThrown } from './http';
import type { OriginPolicy } from './origins';
import type { ConversationQuota } from './quota';

/** Options of {@link registerTokenExchange}. */
export interface TokenExchangeOptions {
  /** Route that issues tokens. Default `/api/directline/token`. */
  route?: string;
  /** Route that refreshes a token (Authorization: Bearer <token>). Default `/api/directline/token/refresh`. */
  refreshRoute?: string;
  /** Which page origins are served (the embedded endpoint's policy, or one built from the same configuration). */
  origins: OriginPolicy;
  /** Signs and checks visitor ids. */
  visitors: VisitorIds;
  /** Quotas on new conversations. */
  quota: ConversationQuota;
  /** The Azure Direct Line secret. Server-side only; never sent to a browser. */
  directLineSecret?: string;
  /** Azure Direct Line API base, injectable for tests and regional bots. Default `https://directline.botframework.com/v3/directline`. */
  directLineUrl?: string;
  /** The embedded endpoint, used when no secret is configured. */
  embedded?: DirectLineEndpoint;
  /** The client address a quota counts (default: the TCP peer; behind a trusted proxy, its forwarded address). */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /** Timeout of calls to Azure. Default 5 s. */
  timeoutMs?: number;
  logger: Logger;
}

/** What the web page receives: everything `WebChat.createDirectLine({ domain, token })` needs, and its identity. */
export interface TokenExchangeReply extends DirectLineTokenReply {
  /** Direct Line API base the page must use (Azure's or ours). */
  domain: string;
  /** The `dl_` user id the token is bound to. */
  userId: string;
  /** The signed credential to present next time to keep `userId` (keep it in localStorage). Absent on refresh. */
  visitor?: string;
}

const AZURE_DIRECT_LINE = 'https://directline.botframework.com/v3/directline';
/** Unknown fields (such as the `userId` older widgets sent) are ignored: identity is never taken from the page. */
const tokenBodySchema = z.object({ visitor: z.string().max(256).optional() }).optional();

export function registerTokenExchange(server: Server, options: TokenExchangeOptions): void {
  const route = options.route ?? '/api/directline/token';
  const refreshRoute = options.refreshRoute ?? `${route}/refresh`;
  const directLineUrl = (options.directLineUrl ?? AZURE_DIRECT_LINE).replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 5000;
  const { logger, origins, visitors, quota } = options;
  const secret = options.directLineSecret;
  const embedded = options.embedded;
  const clientAddress = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress);
  if (!secret && !embedded) throw new Error('registerTokenExchange(): give either directLineSecret or the embedded endpoint');
  const refusals = new RefusalLog(logger);

  const guarded =
    (handler: (req: Request) => Promise<TokenExchangeReply>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        if (typeof req.headers.origin !== 'string') throw new DirectLineHttpError(403, 'Forbidden', 'origin not allowed');
        origins.guard(req, res, 'POST, OPTIONS');
        res.header('Cache-Control', 'no-store');
        res.send(200, await handler(req));
      } catch (err) {
        sendThrown(res, err, (e) => logger.error({ err: e }, 'TokenExchange: unexpected error'));
      }
    };

  const preflight = async (req: Request, res: Response): Promise<void> => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !origins.allows(origin)) {
      res.send(403);
      return;
    }
    origins.guard(req, res, 'POST, OPTIONS');
    res.send(204);
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
      logger.warn({ status, path, err: err instanceof Error ? err.message : String(err) }, 'TokenExchange: Direct Line call failed');
      if (status === 403 || status === 401) throw new DirectLineHttpError(403, 'TokenExpired', 'token rejected by Direct Line');
      throw new DirectLineHttpError(502, 'UpstreamError', 'Direct Line did not issue a token');
    }
  };

  server.opts(route, preflight);
  server.opts(refreshRoute, preflight);

  server.post(
    route,
    guarded(async (req) => {
      const parsed = tokenBodySchema.safeParse(await readJson(req, 4096));
      if (!parsed.success) throw new DirectLineHttpError(400, 'BadArgument', 'malformed request');
      const domain = secret ? directLineUrl : (embedded as DirectLineEndpoint).domain(req);
      const allowed = await quota.consume(clientAddress(req));
      if (!allowed.ok) {
        refusals.note(allowed.scope);
        throw new DirectLineHttpError(429, 'TooManyRequests', 'too many new conversations, please try again later', allowed.retryAfterSeconds);
      }
      const visitor = visitors.resume(parsed.data?.visitor);
      const reply = secret
        ? await callAzure('/tokens/generate', secret, { user: { id: visitor.userId } })
        : await (embedded as DirectLineEndpoint).issueConversation(visitor.userId);
      return { ...reply, domain, userId: visitor.userId, visitor: visitor.credential };
    }),
  );

  server.post(
    refreshRoute,
    guarded(async (req) => {
      const token = bearerOf(req);
      if (!token) throw new DirectLineHttpError(401, 'Unauthorized', 'missing or malformed Authorization header');
      if (secret) return { ...(await callAzure('/tokens/refresh', token)), domain: directLineUrl, userId: userOfToken(token) ?? '' };
      const ours = embedded as DirectLineEndpoint;
      const domain = ours.domain(req);
      const { userId, ...reply } = await ours.refreshToken(token);
      return { ...reply, domain, userId };
    }),
  );
}

function isTokenReply(v: unknown): v is DirectLineTokenReply {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.token === 'string' && typeof o.conversationId === 'string' && typeof o.expires_in === 'number';
}

/** The `user` claim of an Azure token, unverified (Azure verifies it; it is only echoed back to its holder). */
function userOfToken(token: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const user = typeof payload === 'object' && payload !== null ? (payload as { user?: unknown }).user : undefined;
    return typeof user === 'string' ? user : undefined;
  } catch {
    return undefined;
  }
}

/** Logs quota refusals at most once a minute (a flood must not become a flood of log lines). */
class RefusalLog {
  private counts = { client: 0, global: 0 };
  private last = 0;

  constructor(private readonly logger: Logger) {}

  note(scope: 'client' | 'global'): void {
    this.counts[scope] += 1;
    const now = Date.now();
    if (now - this.last < 60_000) return;
    this.logger.warn({ refused: this.counts }, 'TokenExchange: new conversations refused by quota (counts since the last such line)');
    this.counts = { client: 0, global: 0 };
    this.last = now;
  }
}
