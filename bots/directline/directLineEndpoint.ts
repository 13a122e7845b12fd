import { randomBytes, timingSafeEqual } from 'crypto';
import type { AddressInfo } from 'net';
import type { IncomingMessage, Server as HttpServer } from 'http';
import type { Activity } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { DirectLineHttpError, bearerOf, publicOrigin, queryOf, readJson, readRawBody, sendThrown } from './http';
import { silentLogger, type DirectLineLogger } from './logger';
import { multipartBoundary, parseMultipart } from './multipart';
import { InMemoryDirectLineStore, type ConversationRecord, type DirectLineStore, type StoredActivity } from './store';
import { DirectLineStreams } from './streams';
import { DirectLineTokens, type DirectLineTokenClaims } from './tokens';

/** Hands one user-side activity to the bot and resolves when its turn is over. */
export type DeliverToBot = (activity: Activity) => Promise<void>;

/** Options of {@link registerDirectLine}. Only `deliverToBot` is required. */
export interface DirectLineOptions {
  /** Runs a turn; see `cloudAdapterDelivery()` for the CloudAdapter-backed one. */
  deliverToBot: DeliverToBot;
  /** Where the client API is mounted. Default `/v3/directline`. */
  basePath?: string;
  /** The bot as seen in activities (Azure uses the bot handle). Default `{ id: 'lockerdesk', name: 'LockerDesk' }`. */
  bot?: { id: string; name: string };
  /** HMAC key for tokens; random per process when omitted (tokens then die with the process). */
  tokenSigningKey?: string | Buffer;
  /** Token lifetime in seconds. Default 1800, as Azure. */
  tokenTtlSeconds?: number;
  /**
   * A Direct Line "secret" for trusted server-side callers. When set, `tokens/generate` and starting
   * a conversation without a token require `Authorization: Bearer <secret>`; when unset, anyone
   * may start a conversation (the public web page case).
   */
  secret?: string;
  /** Conversation storage. Default: a fresh {@link InMemoryDirectLineStore}. */
  store?: DirectLineStore;
  /** Base URL clients reach this server at (for `streamUrl` and upload URLs). Default: the request's Host, over http/ws. */
  publicUrl?: string;
  /** Base URL the bot's connector client reaches this server at. Default `http://127.0.0.1:<listening port>`. */
  serviceOrigin?: string;
  /** Largest activity a client may post. Default 256 KiB. */
  maxActivityBytes?: number;
  /** Largest activity the bot may send. Default 1 MiB. */
  maxBotActivityBytes?: number;
  /** Largest upload request. Default 4 MiB. */
  maxUploadBytes?: number;
  /** How long a client's POST waits for the bot's turn before answering 502 BotTimeout. Default 15 s. */
  botTimeoutMs?: number;
  /** WebSocket ping interval. Default 30 s. */
  heartbeatMs?: number;
  /** WebSockets kept per conversation. Default 4. */
  maxSocketsPerConversation?: number;
  /** Answer CORS preflights and allow any origin (tokens are bearer, never cookies). Default true. */
  cors?: boolean;
  logger?: DirectLineLogger;
}

/** A token reply, as Azure's `tokens/generate` and `tokens/refresh` give it. */
export interface DirectLineTokenReply {
  conversationId: string;
  token: string;
  expires_in: number;
}

/** The running endpoint. */
export interface DirectLineEndpoint {
  /** Full URL prefix the bot's connector client posts replies to (the `serviceUrl` of activities). */
  serviceUrl(): string;
  /** In-process equivalent of `POST tokens/generate`, for the token-exchange route. */
  generateToken(user?: { id?: string; name?: string }): Promise<DirectLineTokenReply>;
  /** In-process equivalent of `POST tokens/refresh`; rejects with a `DirectLineHttpError`. */
  refreshToken(token: string): Promise<DirectLineTokenReply>;
  /** The Direct Line `domain` clients should use, as seen through the given request. */
  domain(req: IncomingMessage): string;
  readonly store: DirectLineStore;
  readonly streams: DirectLineStreams;
  /**
   * Waits for bot turns in flight (each bounded by `botTimeoutMs`), then closes WebSockets and stops
   * timers (also the default store's). Call before closing the server. Routes stay registered.
   */
  close(): Promise<void>;
}

const USER_ID = /^dl_[A-Za-z0-9_.:@-]{1,120}$/;
const LOCALE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/;
const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Client activity fields passed on; everything else (serviceUrl, recipient, ids, timestamps) is ours to set. */
const CLIENT_FIELDS = [
  'type',
  'text',
  'textFormat',
  'locale',
  'localTimestamp',
  'localTimezone',
  'attachments',
  'attachmentLayout',
  'entities',
  'channelData',
  'value',
  'valueType',
  'name',
  'speak',
  'inputHint',
  'summary',
  'replyToId',
  'label',
] as const;

type Auth = { kind: 'secret' } | { kind: 'token'; claims: DirectLineTokenClaims };

/**
 * Mounts a Direct Line 3.0-compatible endpoint on the bot's restify server, enough for Web Chat
 * and botframework-directlinejs (tokens, start/reconnect, polling, posting, uploads, WebSocket
 * stream), plus the channel-side Bot Connector routes the bot's replies come back through.
 *
 * The bot sees channel `directline`, a `conversationUpdate` with the bot and the user in
 * `membersAdded` when a conversation starts (as Azure does for tokens carrying a user id), then
 * every client activity in order, one turn at a time per conversation. Replies and proactive
 * messages (`continueConversationAsync`) reach clients through `serviceUrl`, exactly as on Azure.
 *
 * @example
 * const dl = registerDirectLine(server, { deliverToBot: cloudAdapterDelivery(adapter, (ctx) => bot.run(ctx)) });
 * // Web Chat: WebChat.createDirectLine({ domain: 'http://localhost:3978/v3/directline', token })
 */
export function registerDirectLine(server: Server, options: DirectLineOptions): DirectLineEndpoint {
  const base = (options.basePath ?? '/v3/directline').replace(/\/+$/, '');
  const bot = options.bot ?? { id: 'lockerdesk', name: 'LockerDesk' };
  const logger = options.logger ?? silentLogger;
  const ownsStore = options.store === undefined;
  const store = options.store ?? new InMemoryDirectLineStore();
  const tokens = new DirectLineTokens(options.tokenSigningKey, options.tokenTtlSeconds ?? 1800);
  const connectorKey = tokens.derive('connector');
  const maxActivityBytes = options.maxActivityBytes ?? 256 * 1024;
  const maxBotActivityBytes = options.maxBotActivityBytes ?? 1024 * 1024;
  const maxUploadBytes = options.maxUploadBytes ?? 4 * 1024 * 1024;
  const botTimeoutMs = options.botTimeoutMs ?? 15_000;
  const cors = options.cors ?? true;
  const streams = new DirectLineStreams({
    store,
    tokens,
    basePath: base,
    heartbeatMs: options.heartbeatMs ?? 30_000,
    maxSocketsPerConversation: options.maxSocketsPerConversation ?? 4,
    logger,
  });
  streams.attach(server.server as HttpServer);
  const queues = new Map<string, Promise<void>>();

  const serviceUrl = (): string => {
    let origin = options.serviceOrigin?.replace(/\/+$/, '');
    if (!origin) {
      const addr = server.server.address() as AddressInfo | string | null;
      if (!addr || typeof addr === 'string') throw new Error('registerDirectLine(): server is not listening on TCP; set serviceOrigin');
      const host = addr.family === 'IPv6' && addr.address !== '::' ? `[${addr.address}]` : '127.0.0.1';
      origin = `http://${host}:${addr.port}`;
    }
    return `${origin}${base}/connector/${connectorKey}`;
  };

  const secretMatches = (credential: string): boolean => {
    if (!options.secret) return false;
    const a = Buffer.from(credential);
    const b = Buffer.from(options.secret);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const authorize = (req: Request, conversationId?: string): Auth => {
    const credential = bearerOf(req);
    if (credential === undefined) throw new DirectLineHttpError(401, 'Unauthorized', 'missing Authorization header');
    if (credential === null) throw new DirectLineHttpError(401, 'Unauthorized', 'Authorization must be "Bearer <token>"');
    if (secretMatches(credential)) return { kind: 'secret' };
    const check = tokens.verify(credential);
    if (!check.ok) {
      if (check.reason === 'expired') throw new DirectLineHttpError(403, 'TokenExpired', 'token has expired');
      throw new DirectLineHttpError(403, 'Forbidden', 'invalid token or secret');
    }
    if (conversationId !== undefined && check.claims.conv !== conversationId) {
      throw new DirectLineHttpError(403, 'Forbidden', 'token is not valid for this conversation');
    }
    return { kind: 'token', claims: check.claims };
  };

  const conversationOf = async (id: string): Promise<ConversationRecord> => {
    const record = await store.getConversation(id);
    if (!record) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    return record;
  };

  const newConversation = async (userId: string, userName?: string): Promise<ConversationRecord> => {
    const now = Date.now();
    const record: ConversationRecord = { id: randomBytes(16).toString('base64url'), userId, started: false, createdAt: now, lastActiveAt: now };
    if (userName) record.userName = userName;
    return store.createConversation(record);
  };

  const tokenReply = (record: ConversationRecord): DirectLineTokenReply => ({
    conversationId: record.id,
    token: tokens.issue(record.id, record.userId, record.userName),
    expires_in: tokens.ttlSeconds,
  });

  const streamUrl = (req: Request, conversationId: string, token: string, watermark?: number): string => {
    const origin = publicOrigin(req, options.publicUrl).replace(/^http/i, 'ws');
    const mark = watermark !== undefined ? `watermark=${watermark}&` : '';
    return `${origin}${base}/conversations/${encodeURIComponent(conversationId)}/stream?${mark}t=${encodeURIComponent(token)}`;
  };

  const bySerial = (conversationId: string, activity: Activity): Promise<void> => {
    const previous = queues.get(conversationId) ?? Promise.resolve();
    const run = previous.then(() => withTimeout(options.deliverToBot(activity), botTimeoutMs));
    const tail = run.catch(() => undefined);
    queues.set(conversationId, tail);
    void tail.then(() => {
      if (queues.get(conversationId) === tail) queues.delete(conversationId);
    });
    return run;
  };

  const toBot = (record: ConversationRecord, activity: StoredActivity): Activity => {
    // A deep JSON copy: the bot may mutate its activity, the log must not change.
    const copy: Activity = JSON.parse(JSON.stringify(activity));
    copy.serviceUrl = serviceUrl();
    copy.recipient = { id: bot.id, name: bot.name, role: 'bot' };
    if (!copy.locale && record.locale) copy.locale = record.locale;
    return copy;
  };

  const start = async (record: ConversationRecord, locale?: string): Promise<boolean> => {
    if (!(await store.markStarted(record.id, locale))) return false;
    const user = { id: record.userId, name: record.userName, role: 'user' };
    const update: StoredActivity = {
      type: 'conversationUpdate',
      id: `${record.id}|start`,
      timestamp: new Date().toISOString(),
      channelId: 'directline',
      conversation: { id: record.id },
      from: user,
      membersAdded: [{ id: bot.id, name: bot.name }, { id: record.userId, name: record.userName }],
    };
    if (locale) update.locale = locale;
    else if (record.locale) update.locale = record.locale;
    bySerial(record.id, toBot(record, update)).catch((err: unknown) =>
      logger.warn({ err: describe(err), conversationId: record.id }, 'DirectLine.start(): conversationUpdate turn failed'),
    );
    return true;
  };

  /** Logs (or, for typing, just publishes) a client activity, then runs the bot's turn on it. */
  const acceptFromClient = async (record: ConversationRecord, body: Record<string, unknown>): Promise<string> => {
    if (!record.started) await start(record);
    const activity: StoredActivity = {
      type: String(body.type),
      id: '',
      timestamp: new Date().toISOString(),
      channelId: 'directline',
      conversation: { id: record.id },
      from: { id: record.userId, role: 'user' },
    };
    const bag = activity as Record<string, unknown>;
    for (const field of CLIENT_FIELDS) if (body[field] !== undefined && field !== 'type') bag[field] = body[field];
    const from = body.from as { name?: unknown } | undefined;
    const name = typeof from?.name === 'string' && from.name.length <= 200 ? from.name : record.userName;
    if (name) activity.from.name = name;
    if (typeof activity.locale !== 'string' || !LOCALE.test(activity.locale)) {
      delete activity.locale;
      if (record.locale) activity.locale = record.locale;
    }
    let logged: StoredActivity;
    if (activity.type === 'typing') {
      logged = { ...activity, id: `${record.id}|t${randomBytes(6).toString('hex')}` };
      await store.publishEphemeral(record.id, logged);
    } else {
      const entry = await store.appendActivity(record.id, activity);
      if (!entry) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
      logged = entry.activity;
    }
    try {
      await bySerial(record.id, toBot(record, logged));
    } catch (err) {
      if (err instanceof TurnTimeout) {
        logger.warn({ conversationId: record.id }, 'DirectLine: bot turn timed out');
        throw new DirectLineHttpError(502, 'BotTimeout', 'Failed to send activity: bot timed out');
      }
      logger.error({ err: describe(err), conversationId: record.id }, 'DirectLine: bot turn failed');
      throw new DirectLineHttpError(502, 'BotError', 'Failed to send activity: bot returned an error');
    }
    return logged.id;
  };

  const route =
    (handler: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      if (cors) setCors(res);
      try {
        await handler(req, res);
      } catch (err) {
        sendThrown(res, err, (e) => logger.error({ err: describe(e), url: req.path() }, 'DirectLine: unexpected error'));
      }
    };

  const conversationParam = (req: Request): string => {
    const id = String(req.params.conversationId ?? '');
    if (!CONVERSATION_ID.test(id)) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    return id;
  };

  const generateToken = async (user?: { id?: string; name?: string }): Promise<DirectLineTokenReply> => {
    const id = user?.id ?? `dl_${randomBytes(16).toString('base64url')}`;
    if (!USER_ID.test(id)) throw new DirectLineHttpError(400, 'BadArgument', 'user.id must start with "dl_" and use only letters, digits and _.:@-');
    if (user?.name !== undefined && (typeof user.name !== 'string' || user.name.length > 200)) {
      throw new DirectLineHttpError(400, 'BadArgument', 'user.name must be a string of at most 200 characters');
    }
    return tokenReply(await newConversation(id, user?.name));
  };

  const refreshToken = async (token: string): Promise<DirectLineTokenReply> => {
    const check = tokens.verify(token);
    if (!check.ok) {
      throw check.reason === 'expired'
        ? new DirectLineHttpError(403, 'TokenExpired', 'token has expired')
        : new DirectLineHttpError(403, 'Forbidden', 'invalid token');
    }
    const record = await conversationOf(check.claims.conv);
    await store.touch(record.id);
    return { conversationId: record.id, token: tokens.issue(record.id, check.claims.user, check.claims.name), expires_in: tokens.ttlSeconds };
  };

  if (cors) {
    server.opts(`${base}/*`, async (_req: Request, res: Response) => {
      setCors(res);
      res.send(204);
    });
  }

  server.post(
    `${base}/tokens/generate`,
    route(async (req, res) => {
      if (options.secret) {
        const auth = authorize(req);
        if (auth.kind !== 'secret') throw new DirectLineHttpError(403, 'Forbidden', 'tokens/generate needs the secret');
      }
      const body = await readJson(req, 16 * 1024);
      const user = body === undefined ? undefined : objectOrThrow(body).user;
      if (user !== undefined && (typeof user !== 'object' || user === null)) throw new DirectLineHttpError(400, 'BadArgument', 'user must be an object');
      const u = user as { id?: unknown; name?: unknown } | undefined;
      if (u?.id !== undefined && typeof u.id !== 'string') throw new DirectLineHttpError(400, 'BadArgument', 'user.id must be a string');
      res.send(200, await generateToken(u ? { id: u.id as string | undefined, name: u.name as string | undefined } : undefined));
    }),
  );

  server.post(
    `${base}/tokens/refresh`,
    route(async (req, res) => {
      const credential = bearerOf(req);
      if (!credential) throw new DirectLineHttpError(401, 'Unauthorized', 'missing or malformed Authorization header');
      res.send(200, await refreshToken(credential));
    }),
  );

  server.post(
    `${base}/conversations`,
    route(async (req, res) => {
      const credential = bearerOf(req);
      const auth: Auth | undefined = credential === undefined && !options.secret ? undefined : authorize(req);
      const body = await readJson(req, 16 * 1024);
      const opts = body === undefined ? {} : objectOrThrow(body);
      const locale = typeof opts.locale === 'string' && LOCALE.test(opts.locale) ? opts.locale : undefined;
      let record: ConversationRecord;
      if (auth?.kind === 'token') {
        const { conv, user, name } = auth.claims;
        const now = Date.now();
        record = await store.createConversation({ id: conv, userId: user, userName: name, started: false, createdAt: now, lastActiveAt: now });
      } else {
        const asked = (opts.user as { id?: unknown; name?: unknown } | undefined) ?? {};
        const userId = typeof asked.id === 'string' && USER_ID.test(asked.id) ? asked.id : `dl_${randomBytes(16).toString('base64url')}`;
        const userName = typeof asked.name === 'string' && asked.name.length <= 200 ? asked.name : undefined;
        record = await newConversation(userId, userName);
      }
      const created = await start(record, locale);
      const reply = tokenReply(record);
      res.send(created ? 201 : 200, { ...reply, streamUrl: streamUrl(req, record.id, reply.token) });
    }),
  );

  server.get(
    `${base}/conversations/:conversationId`,
    route(async (req, res) => {
      const id = conversationParam(req);
      authorize(req, id);
      const record = await conversationOf(id);
      if (!record.started) await start(record);
      const watermark = watermarkOf(req);
      const reply = tokenReply(record);
      res.send(200, { ...reply, streamUrl: streamUrl(req, id, reply.token, watermark < 0 ? undefined : watermark) });
    }),
  );

  server.get(
    `${base}/conversations/:conversationId/activities`,
    route(async (req, res) => {
      const id = conversationParam(req);
      authorize(req, id);
      await conversationOf(id);
      const after = watermarkOf(req);
      const page = await store.getActivities(id, after);
      if (!page) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
      res.send(200, { activities: page.entries.map((e) => e.activity), watermark: String(page.watermark) });
    }),
  );

  server.post(
    `${base}/conversations/:conversationId/activities`,
    route(async (req, res) => {
      const id = conversationParam(req);
      authorize(req, id);
      const body = await readJson(req, maxActivityBytes);
      const record = await conversationOf(id);
      const activity = checkClientActivity(body);
      res.send(200, { id: await acceptFromClient(record, activity) });
    }),
  );

  server.post(
    `${base}/conversations/:conversationId/upload`,
    route(async (req, res) => {
      const id = conversationParam(req);
      authorize(req, id);
      const boundary = multipartBoundary(req.headers['content-type']);
      if (!boundary) throw new DirectLineHttpError(400, 'BadArgument', 'upload must be multipart/form-data');
      const consumed = (req as { body?: unknown }).body;
      if (consumed !== undefined && !Buffer.isBuffer(consumed)) {
        logger.error({ url: req.path() }, 'DirectLine upload: a global body parser consumed the multipart body; mount bodyParser per route');
        throw new DirectLineHttpError(500, 'ServiceError', 'upload could not be read');
      }
      const raw = await readRawBody(req, maxUploadBytes);
      const record = await conversationOf(id);
      const parts = parseMultipart(raw, boundary);
      if (!parts) throw new DirectLineHttpError(400, 'BadArgument', 'malformed multipart body');
      const activityPart = parts.find((p) => p.name === 'activity');
      let activity: Record<string, unknown> = { type: 'message' };
      if (activityPart) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(activityPart.data.toString('utf8'));
        } catch {
          throw new DirectLineHttpError(400, 'BadArgument', 'the activity part is not valid JSON');
        }
        activity = checkClientActivity(parsed);
      }
      const files = parts.filter((p) => p !== activityPart && p.filename !== undefined);
      if (files.length === 0 && !activityPart) throw new DirectLineHttpError(400, 'BadArgument', 'nothing to upload');
      const origin = publicOrigin(req, options.publicUrl);
      const attachments = [];
      for (const file of files) {
        const name = (file.filename || 'blob').slice(0, 200);
        const attachmentId = await store.putAttachment(id, { contentType: file.contentType, name, data: Buffer.from(file.data) });
        if (!attachmentId) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
        const contentUrl = `${origin}${base}/attachments/${id}/${attachmentId}/${encodeURIComponent(name)}`;
        attachments.push({ contentType: file.contentType, contentUrl, name });
      }
      activity.attachments = attachments;
      res.send(200, { id: await acceptFromClient(record, activity) });
    }),
  );

  server.get(
    `${base}/attachments/:conversationId/:attachmentId/:name`,
    route(async (req, res) => {
      const found = await store.getAttachment(String(req.params.conversationId), String(req.params.attachmentId));
      if (!found) throw new DirectLineHttpError(404, 'NotFound', 'attachment not found');
      const inline = /^(image\/(png|jpe?g|gif|webp)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|application\/pdf)$/i.test(found.contentType);
      res.writeHead(200, {
        'Content-Type': inline ? found.contentType : 'application/octet-stream',
        'Content-Length': found.data.length,
        'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(found.name)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, max-age=3600',
      });
      res.end(found.data);
    }),
  );

  registerConnector();

  /** The channel side: what botbuilder's ConnectorClient calls at `serviceUrl`. */
  function registerConnector(): void {
    const prefix = `${base}/connector/:key/v3/conversations/:conversationId`;
    const guard = (req: Request): string => {
      const key = Buffer.from(String(req.params.key ?? ''));
      const expected = Buffer.from(connectorKey);
      if (key.length !== expected.length || !timingSafeEqual(key, expected)) throw new DirectLineHttpError(404, 'NotFound', 'not found');
      return conversationParam(req);
    };
    const fromBot = async (req: Request, conversationId: string, replyToId?: string): Promise<StoredActivity> => {
      const body = checkBotActivity(await readJson(req, maxBotActivityBytes));
      const activity: StoredActivity = {
        ...body,
        type: String(body.type),
        id: '',
        timestamp: new Date().toISOString(),
        channelId: 'directline',
        conversation: { id: conversationId },
        from: { id: bot.id, name: bot.name, role: 'bot' },
      };
      const from = body.from as { id?: unknown; name?: unknown } | undefined;
      if (typeof from?.id === 'string') activity.from = { id: from.id, name: typeof from.name === 'string' ? from.name : bot.name, role: 'bot' };
      if (replyToId && !activity.replyToId) activity.replyToId = replyToId;
      delete activity.serviceUrl;
      return activity;
    };
    const publish = async (conversationId: string, activity: StoredActivity): Promise<string> => {
      if (activity.type === 'typing') {
        const id = `${conversationId}|t${randomBytes(6).toString('hex')}`;
        await store.publishEphemeral(conversationId, { ...activity, id });
        return id;
      }
      const entry = await store.appendActivity(conversationId, activity);
      if (!entry) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
      return entry.activity.id;
    };

    server.post(
      `${prefix}/activities`,
      route(async (req, res) => {
        const id = guard(req);
        await conversationOf(id);
        res.send(200, { id: await publish(id, await fromBot(req, id)) });
      }),
    );
    server.post(
      `${prefix}/activities/:activityId`,
      route(async (req, res) => {
        const id = guard(req);
        await conversationOf(id);
        res.send(200, { id: await publish(id, await fromBot(req, id, String(req.params.activityId))) });
      }),
    );
    server.put(
      `${prefix}/activities/:activityId`,
      route(async (req, res) => {
        const id = guard(req);
        await conversationOf(id);
        const activity = await fromBot(req, id);
        activity.id = String(req.params.activityId);
        const entry = await store.replaceActivity(id, activity);
        if (!entry) throw new DirectLineHttpError(404, 'NotFound', 'activity not found');
        res.send(200, { id: entry.activity.id });
      }),
    );
    server.del(
      `${prefix}/activities/:activityId`,
      route(async (req, res) => {
        const id = guard(req);
        await conversationOf(id);
        if (!(await store.deleteActivity(id, String(req.params.activityId)))) throw new DirectLineHttpError(404, 'NotFound', 'activity not found');
        res.send(200, {});
      }),
    );
    const members = route(async (req, res) => {
      const id = guard(req);
      const record = await conversationOf(id);
      res.send(200, [
        { id: record.userId, name: record.userName, role: 'user' },
        { id: bot.id, name: bot.name, role: 'bot' },
      ]);
    });
    server.get(`${prefix}/members`, members);
    server.get(`${prefix}/activities/:activityId/members`, members);
  }

  return {
    serviceUrl,
    domain: (req) => `${publicOrigin(req, options.publicUrl)}${base}`,
    generateToken,
    refreshToken,
    store,
    streams,
    async close() {
      await Promise.allSettled([...queues.values()]);
      streams.close();
      if (ownsStore) await store.close();
    },
  };
}

class TurnTimeout extends Error {}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TurnTimeout(`bot turn exceeded ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function objectOrThrow(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DirectLineHttpError(400, 'BadArgument', 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

function checkClientActivity(body: unknown): Record<string, unknown> {
  const activity = objectOrThrow(body);
  if (typeof activity.type !== 'string' || !/^[A-Za-z][A-Za-z0-9/_.-]{0,63}$/.test(activity.type)) {
    throw new DirectLineHttpError(400, 'BadArgument', 'activity.type is required');
  }
  if (activity.type === 'conversationUpdate') throw new DirectLineHttpError(400, 'BadArgument', 'clients may not send conversationUpdate');
  if (activity.text !== undefined && typeof activity.text !== 'string') throw new DirectLineHttpError(400, 'BadArgument', 'activity.text must be a string');
  if (activity.attachments !== undefined && !Array.isArray(activity.attachments)) {
    throw new DirectLineHttpError(400, 'BadArgument', 'activity.attachments must be an array');
  }
  return activity;
}

function checkBotActivity(body: unknown): Record<string, unknown> {
  const activity = objectOrThrow(body);
  if (typeof activity.type !== 'string' || activity.type.length === 0) throw new DirectLineHttpError(400, 'BadArgument', 'activity.type is required');
  return activity;
}

function watermarkOf(req: Request): number {
  const raw = queryOf(req).get('watermark');
  if (raw === null || raw === '') return -1;
  if (!/^\d{1,15}$/.test(raw)) throw new DirectLineHttpError(400, 'BadArgument', 'watermark must be a number');
  return Number(raw);
}

function setCors(res: Response): void {
  res.header('Access-Control-Allow-Origin', '*');
  res.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, x-ms-bot-agent, x-requested-with');
  res.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.header('Access-Control-Max-Age', '600');
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
