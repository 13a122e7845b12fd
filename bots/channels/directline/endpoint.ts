/**
 * The embedded Direct Line 3.0 endpoint, composed: tokens and keys (`auth.ts`), origins and base
 * URLs (`origins.ts`), the store (`store.ts`), the per-conversation turn queue (`turnQueue.ts`),
 * conversations and the bot side (`conversations.ts`, `delivery.ts`), the client routes
 * (`routes.ts`) and the WebSocket stream (`streams.ts`). Enough for Web Chat and
 * botframework-directlinejs; the token route the page calls is `tokenExchange.ts`.
 *
 * There are no connector routes: the bot's replies and proactive messages reach the store in
 * process through {@link DirectLineCloudAdapter}.
 */
import type { IncomingMessage, Server as HttpServer } from 'http';
import type { TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { Messages } from '../../../services/i18n/messages';
import type { Logger } from '../../../services/logging/logger';
import { DirectLineKeys, DirectLineTokens } from './auth';
import { DirectLineConversations, type AttachmentReader, type DirectLineTokenReply, type UploadedFile } from './conversations';
import { cloudAdapterDelivery, type DirectLineCloudAdapter } from './delivery';
import { DirectLineHttpError } from './http';
import { serverOrigins, type OriginPolicy } from './origins';
import { registerClientRoutes } from './routes';
import { InMemoryDirectLineStore, type DirectLineStore } from './store';
import { DirectLineStreams } from './streams';
import { TurnQueue } from './turnQueue';

/** Options of {@link registerDirectLine}. Only `adapter`, `logic` and `logger` are required. */
export interface DirectLineOptions {
  /** The adapter the bot runs on; the endpoint attaches itself as its in-process channel. */
  adapter: DirectLineCloudAdapter;
  /** The bot's turn logic (`(ctx) => bot.run(ctx)`). */
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  /** Where the client API is mounted. Default `/v3/directline`. */
  basePath?: string;
  /** The bot as seen in activities. Default `{ id: 'lockerdesk', name: 'LockerDesk' }`. */
  bot?: { id: string; name: string };
  /** Keys of tokens and visitor ids (`DIRECTLINE_TOKEN_KEY`); random per process when omitted. */
  keys?: DirectLineKeys;
  /** Token lifetime in seconds. Default 1800, as Azure. */
  tokenTtlSeconds?: number;
  /** Absolute lifetime of a token chain (refreshes and reconnects keep the first issue time). Default 24 h. */
  tokenMaxLifetimeSeconds?: number;
  /**
   * A Direct Line "secret" for trusted server-side callers (tokens/generate, starting a conversation
   * without a token, reading any conversation). Unset: conversations start only with a token from
   * the token route.
   */
  secret?: string;
  /** Conversation storage. Default: a fresh {@link InMemoryDirectLineStore} with the default budgets. */
  store?: DirectLineStore;
  /** Page origins and base URLs (`serverOrigins(server, { allowedOrigins, publicUrl })`). Default: this server's own origins, loopback Hosts. */
  origins?: OriginPolicy;
  /** Largest activity a client may post. Default 32 KiB. */
  maxActivityBytes?: number;
  /** Largest activity the bot may send. Default 256 KiB. */
  maxBotActivityBytes?: number;
  /** Largest uploaded file. Default 1 MiB. */
  maxFileBytes?: number;
  /** Upload bodies read at once in the process. Default 8. */
  maxUploadsInFlight?: number;
  /** How long a client's POST waits for the bot's turn before answering 502 BotTimeout. Default 15 s. */
  botTimeoutMs?: number;
  /** Turns waiting per conversation before a client gets 429. Default 8. */
  maxPendingTurns?: number;
  /** WebSocket ping interval. Default 30 s. */
  heartbeatMs?: number;
  /** WebSockets kept per conversation. Default 4. */
  maxSocketsPerConversation?: number;
  /** Customer-facing notes (a refused upload), from the message files. */
  messages?: Messages;
  /**
   * The sender's address of a client request (`clientAddressResolver(TRUSTED_PROXIES)`), handed to
   * the bot's turn for per-IP limits. Default: the TCP peer.
   */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /** The clock tokens are issued, renewed and checked by (milliseconds). Default `Date.now`; tests move it instead of sleeping. */
  now?: () => number;
}

/** The running endpoint. */
export interface DirectLineEndpoint extends AttachmentReader {
  /** A new conversation for a user id this server issued, with its first token (the token route). */
  issueConversation(userId: string): Promise<DirectLineTokenReply>;
  /** `tokens/refresh` in process, keeping the chain's first issue time; rejects with a `DirectLineHttpError`. */
  refreshToken(token: string): Promise<DirectLineTokenReply & { userId: string }>;
  /** The Direct Line `domain` for a request: from `PUBLIC_URL`, or a loopback Host; 403 otherwise. */
  domain(req: IncomingMessage): string;
  readonly store: DirectLineStore;
  readonly streams: DirectLineStreams;
  /** Turns in flight, for tests. */
  readonly queue: TurnQueue;
  /** Waits for bot turns in flight, then closes WebSockets and stops timers (also the default store's). */
  close(): Promise<void>;
}

/**
 * Mounts the embedded Direct Line on the bot's restify server.
 *
 * The bot sees channel `directline` with `serviceUrl` = `EMBEDDED_DIRECT_LINE_SERVICE_URL`, a
 * `conversationUpdate` with the bot and the user in `membersAdded` when a conversation starts (as
 * Azure does for tokens carrying a user id), then every client activity in order, one turn at a
 * time per conversation. Replies and proactive messages (`continueConversationAsync`) reach
 * clients through the adapter, in process.
 *
 * @example
 * const adapter = new DirectLineCloudAdapter(auth);
 * const dl = registerDirectLine(server, { adapter, logic: (ctx) => bot.run(ctx), logger });
 * registerTokenExchange(server, { embedded: dl, visitors: new VisitorIds(keys.visitor), origins, quota: new ConversationQuota(), logger });
 */
export function registerDirectLine(server: Server, options: DirectLineOptions): DirectLineEndpoint {
  const base = (options.basePath ?? '/v3/directline').replace(/\/+$/, '');
  const bot = options.bot ?? { id: 'lockerdesk', name: 'LockerDesk' };
  const logger = options.logger;
  const keys = options.keys ?? new DirectLineKeys();
  const tokens = new DirectLineTokens(keys.token, options.tokenTtlSeconds ?? 1800, options.tokenMaxLifetimeSeconds ?? 24 * 3600, options.now);
  const ownsStore = options.store === undefined;
  const store = options.store ?? new InMemoryDirectLineStore();
  const origins = options.origins ?? serverOrigins(server, { allowedOrigins: [] });
  const queue = new TurnQueue({ timeoutMs: options.botTimeoutMs ?? 15_000, maxPending: options.maxPendingTurns ?? 8 });
  const conversations = new DirectLineConversations({
    store,
    tokens,
    deliverToBot: cloudAdapterDelivery(options.adapter, options.logic),
    bot,
    basePath: base,
    queue,
    maxBotActivityBytes: options.maxBotActivityBytes ?? 256 * 1024,
    messages: options.messages,
    logger,
  });
  options.adapter.attachDirectLine(conversations.botSide);

  const streams = new DirectLineStreams({
    store,
    tokens,
    origins,
    open: async (claims) => {
      try {
        await conversations.open(claims);
        return true;
      } catch (err) {
        if (err instanceof DirectLineHttpError) return false;
        throw err;
      }
    },
    basePath: base,
    heartbeatMs: options.heartbeatMs ?? 30_000,
    maxSocketsPerConversation: options.maxSocketsPerConversation ?? 4,
    logger,
  });
  streams.attach(server.server as HttpServer);

  const streamUrl = (baseUrl: string, conversationId: string, token: string, watermark?: number): string => {
    const mark = watermark !== undefined ? `watermark=${watermark}&` : '';
    return `${baseUrl.replace(/^http/i, 'ws')}${base}/conversations/${encodeURIComponent(conversationId)}/stream?${mark}t=${encodeURIComponent(token)}`;
  };

  registerClientRoutes(server, {
    basePath: base,
    conversations,
    store,
    tokens,
    origins,
    secret: options.secret,
    maxActivityBytes: options.maxActivityBytes ?? 32 * 1024,
    maxFileBytes: options.maxFileBytes ?? 1024 * 1024,
    maxUploadsInFlight: options.maxUploadsInFlight ?? 8,
    streamUrl,
    clientAddress: options.clientAddress,
    logger,
  });

  return {
    store,
    streams,
    queue,
    domain: (req) => `${origins.baseUrl(req)}${base}`,
    async issueConversation(userId) {
      return conversations.newToken(await conversations.create(userId));
    },
    async refreshToken(token) {
      const check = tokens.verify(token);
      if (!check.ok) {
        throw check.reason === 'expired'
          ? new DirectLineHttpError(403, 'TokenExpired', 'token has expired')
          : new DirectLineHttpError(403, 'Forbidden', 'invalid token');
      }
      const record = await conversations.open(check.claims);
      await store.touch(record.id);
      return { ...conversations.renewedToken(check.claims), userId: check.claims.user };
    },
    attachmentByUrl: (url: string): Promise<UploadedFile | undefined> => conversations.attachmentByUrl(url),
    async close() {
      await queue.idle();
      streams.close();
      if (ownsStore) await store.close();
    },
  };
}
