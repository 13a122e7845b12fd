/**
 * The Direct Line 3.0 client API over HTTP: what Web Chat and botframework-directlinejs call.
 * Every route checks the page origin, then the credential (a token for exactly this conversation,
 * or the server-side secret), then the body (zod; anything malformed is a 400 with a generic
 * body), before it touches a conversation. Conversations are only ever started with a token the
 * token route issued, or by a trusted caller holding the secret.
 */
import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../../../services/logging/logger';
import { TRUSTED_USER_ID, sameSecret, type DirectLineTokenClaims, type DirectLineTokens } from './auth';
import type { DirectLineConversations } from './conversations';
import { DirectLineHttpError, bearerOf, queryOf, readJson, readRawBody, sendThrown } from './http';
import { multipartBoundary, parseMultipart, sniffUploadType } from './multipart';
import type { OriginPolicy } from './origins';
import { LOCALE, clientActivitySchema, type ClientAttachment } from './shaping';
import type { ConversationRecord, DirectLineStore } from './store';

export interface ClientRoutesOptions {
  basePath: string;
  conversations: DirectLineConversations;
  store: DirectLineStore;
  tokens: DirectLineTokens;
  origins: OriginPolicy;
  /** The server-side secret; when unset, no one may start a conversation without a token. */
  secret?: string;
  /** Largest activity a client may post, as JSON. */
  maxActivityBytes: number;
  /** Largest file a client may upload. */
  maxFileBytes: number;
  /** Uploads read at once in the whole process (each holds up to about `maxFileBytes` in memory). */
  maxUploadsInFlight: number;
  /** The sender's address (behind a trusted proxy, the forwarded one), handed to the bot's turn. Default: the TCP peer. */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /** Builds the `streamUrl` of a conversation for a token. */
  streamUrl(baseUrl: string, conversationId: string, token: string, watermark?: number): string;
  logger: Logger;
}

type Auth = { kind: 'secret' } | { kind: 'token'; claims: DirectLineTokenClaims };

const METHODS = 'GET, POST, OPTIONS';
const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;
const malformed = () => new DirectLineHttpError(400, 'BadArgument', 'malformed request');

/** Parses `body` with `schema`; a 400 with a generic body when it does not fit. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw malformed();
  return result.data;
}

const userSchema = z.object({ id: z.string().max(128).optional(), name: z.string().max(200).optional() }).optional();
/** `POST /conversations` (directlinejs sends `{ user: { id }, locale }`; the user is used only with the secret). */
const startSchema = z.object({ locale: z.string().max(64).optional(), user: userSchema }).optional();
const generateSchema = z.object({ user: userSchema }).optional();

export function registerClientRoutes(server: Server, o: ClientRoutesOptions): void {
  const base = o.basePath;
  const { conversations, store, origins, tokens } = o;
  let uploadsInFlight = 0;
  const addressOf = o.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress);

  const route =
    (handler: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        origins.guard(req, res, METHODS);
        await handler(req, res);
      } catch (err) {
        sendThrown(res, err, (e) => o.logger.error({ err: e, path: req.path() }, 'DirectLine: unexpected error'));
      }
    };

  const isSecret = (credential: string): boolean => o.secret !== undefined && sameSecret(credential, o.secret);

  const authorize = (req: Request, conversationId?: string): Auth => {
    const credential = bearerOf(req);
    if (credential === undefined) throw new DirectLineHttpError(401, 'Unauthorized', 'missing Authorization header');
    if (credential === null) throw new DirectLineHttpError(401, 'Unauthorized', 'Authorization must be "Bearer <token>"');
    if (isSecret(credential)) return { kind: 'secret' };
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

  /** The conversation of a route: the token's own (restored when needed), or any existing one for the secret. */
  const conversationFor = async (auth: Auth, id: string): Promise<ConversationRecord> => {
    if (auth.kind === 'token') return conversations.open(auth.claims);
    const record = await store.getConversation(id);
    if (!record) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    return record;
  };

  const conversationParam = (req: Request): string => {
    const id = String(req.params.conversationId ?? '');
    if (!CONVERSATION_ID.test(id)) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    return id;
  };

  const watermarkOf = (req: Request): number => {
    const raw = queryOf(req).get('watermark');
    if (raw === null || raw === '') return -1;
    if (!/^\d{1,15}$/.test(raw)) throw malformed();
    return Number(raw);
  };

  /** A token for the caller: the secret starts a new chain, a token renews its own (keeping its first issue time). */
  const tokenFor = (auth: Auth, record: ConversationRecord) =>
    auth.kind === 'token' ? conversations.renewedToken(auth.claims) : conversations.newToken(record);

  server.opts(`${base}/*`, async (req: Request, res: Response) => {
    const origin = req.headers.origin;
    if (!origins.allows(typeof origin === 'string' ? origin : undefined)) {
      res.send(403);
      return;
    }
    origins.guard(req, res, METHODS);
    res.send(204);
  });

  server.post(
    `${base}/tokens/generate`,
    route(async (req, res) => {
      const credential = bearerOf(req);
      if (!credential) throw new DirectLineHttpError(401, 'Unauthorized', 'missing Authorization header');
      if (!isSecret(credential)) throw new DirectLineHttpError(403, 'Forbidden', 'tokens/generate needs the secret');
      const body = parse(generateSchema, await readJson(req, 4096));
      const userId = body?.user?.id;
      if (userId !== undefined && !TRUSTED_USER_ID.test(userId)) throw malformed();
      const record = await conversations.create(userId ?? newUserId(), body?.user?.name);
      res.header('Cache-Control', 'no-store');
      res.send(200, conversations.newToken(record));
    }),
  );

  server.post(
    `${base}/tokens/refresh`,
    route(async (req, res) => {
      const auth = authorize(req);
      if (auth.kind !== 'token') throw new DirectLineHttpError(403, 'Forbidden', 'only tokens are refreshed');
      const record = await conversations.open(auth.claims);
      await store.touch(record.id);
      res.header('Cache-Control', 'no-store');
      res.send(200, conversations.renewedToken(auth.claims));
    }),
  );

  server.post(
    `${base}/conversations`,
    route(async (req, res) => {
      const auth = authorize(req);
      const body = parse(startSchema, await readJson(req, 4096));
      const locale = body?.locale !== undefined && LOCALE.test(body.locale) ? body.locale : undefined;
      let record: ConversationRecord;
      if (auth.kind === 'token') {
        record = await conversations.open(auth.claims);
      } else {
        const userId = body?.user?.id;
        if (userId !== undefined && !TRUSTED_USER_ID.test(userId)) throw malformed();
        record = await conversations.create(userId ?? newUserId(), body?.user?.name);
      }
      const baseUrl = origins.baseUrl(req);
      const created = await conversations.start(record, locale);
      const reply = tokenFor(auth, record);
      res.header('Cache-Control', 'no-store');
      res.send(created ? 201 : 200, { ...reply, streamUrl: o.streamUrl(baseUrl, record.id, reply.token) });
    }),
  );

  server.get(
    `${base}/conversations/:conversationId`,
    route(async (req, res) => {
      const id = conversationParam(req);
      const auth = authorize(req, id);
      const watermark = watermarkOf(req);
      const baseUrl = origins.baseUrl(req);
      const record = await conversationFor(auth, id);
      if (!record.started) await conversations.start(record);
      const reply = tokenFor(auth, record);
      res.header('Cache-Control', 'no-store');
      res.send(200, { ...reply, streamUrl: o.streamUrl(baseUrl, id, reply.token, watermark < 0 ? undefined : watermark) });
    }),
  );

  server.get(
    `${base}/conversations/:conversationId/activities`,
    route(async (req, res) => {
      const id = conversationParam(req);
      const auth = authorize(req, id);
      const after = watermarkOf(req);
      await conversationFor(auth, id);
      const page = await store.getActivities(id, after);
      if (!page) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
      res.header('Cache-Control', 'no-store');
      res.send(200, { activities: page.entries.map((e) => e.activity), watermark: String(page.watermark) });
    }),
  );

  server.post(
    `${base}/conversations/:conversationId/activities`,
    route(async (req, res) => {
      const id = conversationParam(req);
      const auth = authorize(req, id);
      const input = parse(clientActivitySchema, await readJson(req, o.maxActivityBytes));
      const record = await conversationFor(auth, id);
      const attachments = input.attachments?.length ? await conversations.ownAttachments(record, input.attachments, origins.baseUrl(req)) : undefined;
      res.send(200, { id: await conversations.acceptFromClient(record, input, attachments, addressOf(req)) });
    }),
  );

  server.post(
    `${base}/conversations/:conversationId/upload`,
    route(async (req, res) => {
      const id = conversationParam(req);
      const auth = authorize(req, id);
      const boundary = multipartBoundary(req.headers['content-type']);
      if (!boundary) throw malformed();
      const record = await conversationFor(auth, id);
      const baseUrl = origins.baseUrl(req);
      const requestLimit = o.maxFileBytes + o.maxActivityBytes + 4096;
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > requestLimit) {
        await conversations.note(record, 'directline.uploadTooLarge');
        throw new DirectLineHttpError(413, 'MessageSizeTooBig', 'the file is too large');
      }
      const refusal = await store.canUpload(id, 1);
      if (refusal === 'capacity') throw new DirectLineHttpError(503, 'ServiceUnavailable', 'the service is busy, please try again shortly', 30);
      if (refusal) {
        await conversations.note(record, refusal === 'count' ? 'directline.uploadCount' : 'directline.uploadTooLarge');
        throw new DirectLineHttpError(413, 'MessageSizeTooBig', 'no more files can be added to this conversation');
      }
      if (uploadsInFlight >= o.maxUploadsInFlight) throw new DirectLineHttpError(503, 'ServiceUnavailable', 'the service is busy, please try again shortly', 2);
      uploadsInFlight += 1;
      let raw: Buffer;
      try {
        raw = await readRawBody(req, requestLimit);
      } catch (err) {
        if (err instanceof DirectLineHttpError && err.status === 413) await conversations.note(record, 'directline.uploadTooLarge');
        throw err;
      } finally {
        uploadsInFlight -= 1;
      }
      const parts = parseMultipart(raw, boundary);
      if (!parts) throw malformed();
      // directlinejs sends the activity as a Blob (so with filename "blob"), listing the files in
      // `attachments` without URLs: those are ours to fill in from the file parts.
      const activityPart = parts.find((p) => p.name === 'activity');
      let input = parse(clientActivitySchema, { type: 'message' });
      if (activityPart) {
        if (activityPart.data.length > o.maxActivityBytes) throw malformed();
        let json: unknown;
        try {
          json = JSON.parse(activityPart.data.toString('utf8'));
        } catch {
          throw malformed();
        }
        if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed();
        input = parse(clientActivitySchema, { ...json, attachments: undefined });
        if (input.type !== 'message') throw malformed();
      }
      const files = parts.filter((p) => p.name !== 'activity' && p.filename !== undefined);
      if (files.length === 0) throw malformed();
      const checked = [];
      for (const file of files) {
        if (file.data.length > o.maxFileBytes) {
          await conversations.note(record, 'directline.uploadTooLarge');
          throw new DirectLineHttpError(413, 'MessageSizeTooBig', 'the file is too large');
        }
        const type = sniffUploadType(file.data);
        if (!type) {
          await conversations.note(record, 'directline.uploadType');
          throw new DirectLineHttpError(415, 'UnsupportedMediaType', 'only JPEG, PNG, GIF, WebP images and PDF files are accepted');
        }
        checked.push({ type, name: safeName(file.filename ?? ''), data: Buffer.from(file.data) });
      }
      const attachments: ClientAttachment[] = [];
      for (const file of checked) attachments.push(await conversations.storeUpload(record, file, baseUrl));
      res.send(200, { id: await conversations.acceptFromClient(record, input, attachments, addressOf(req)) });
    }),
  );

  server.get(
    `${base}/attachments/:attachmentId`,
    route(async (req, res) => {
      const id = String(req.params.attachmentId ?? '');
      const found = /^[A-Za-z0-9_-]{43}$/.test(id) ? await store.getAttachment(id) : undefined;
      if (!found) throw new DirectLineHttpError(404, 'NotFound', 'not found');
      res.writeHead(200, {
        'Content-Type': found.contentType,
        'Content-Length': found.data.length,
        'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(found.name)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, max-age=3600',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
      res.end(found.data);
    }),
  );

  // Anything else under the base path, the old connector routes included: a 404 that names nothing.
  const notFound = route(async () => {
    throw new DirectLineHttpError(404, 'NotFound', 'not found');
  });
  for (const method of ['get', 'post', 'put', 'del', 'patch'] as const) server[method](`${base}/*`, notFound);
}

function newUserId(): string {
  return `dl_${randomBytes(16).toString('base64url')}`;
}

/** A file name safe to show and to put in a header: no paths, no control characters, at most 100 characters. */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base.replace(/[\u0000-\u001f\u007f"]/g, '').trim()).slice(0, 100).join('');
  return clean || 'file';
}
