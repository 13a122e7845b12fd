/**
 * The embedded Direct Line's conversations without HTTP: issuing and restoring them, starting
 * them (the bot's `conversationUpdate`), taking a client's activity into the log and the bot's
 * turn, taking the bot's activities back (the {@link DirectLineBotSide}), uploads and their URLs.
 * The client routes (`routes.ts`) and the WebSocket stream call into this; nothing here trusts a
 * client for anything but the shaped fields of its own activities.
 */
import { randomBytes } from 'crypto';
import type { Activity } from 'botbuilder';
import { DEFAULT_LANG, isLang, type Lang } from '../../../services/i18n/langs';
import type { Messages } from '../../../services/i18n/messages';
import type { Logger } from '../../../services/logging/logger';
import { ISSUED_USER_ID, TRUSTED_USER_ID, type DirectLineTokenClaims, type DirectLineTokens } from './auth';
import { EMBEDDED_DIRECT_LINE_SERVICE_URL, type DeliverToBot, type DirectLineBotSide } from './delivery';
import { DirectLineHttpError } from './http';
import type { UploadType } from './multipart';
import { shapeBotActivity, shapeUserActivity, type ClientActivity, type ClientActivityInput, type ClientAttachment } from './shaping';
import type { ConversationRecord, DirectLineStore } from './store';
import { TurnQueue, TurnQueueFull, TurnTimeout } from './turnQueue';

/** A token reply, as Azure's `tokens/generate` and `tokens/refresh` give it. */
export interface DirectLineTokenReply {
  conversationId: string;
  token: string;
  expires_in: number;
}

/** An uploaded file as the agent console reads it, in-process (see `attachmentByUrl`). */
export interface UploadedFile {
  contentType: string;
  name: string;
  bytes: Buffer;
}

/** Reads a customer's upload by the URL the bot and the transcript received for it. */
export interface AttachmentReader {
  /** The file behind an upload URL of this Direct Line, or `undefined` (unknown, expired, or not one of ours). */
  attachmentByUrl(url: string): Promise<UploadedFile | undefined>;
}

export interface DirectLineConversationsOptions {
  store: DirectLineStore;
  tokens: DirectLineTokens;
  deliverToBot: DeliverToBot;
  /** The bot as seen in activities. */
  bot: { id: string; name: string };
  /** Path prefix of the client API, e.g. `/v3/directline`. */
  basePath: string;
  queue: TurnQueue;
  /** Largest activity the bot may send, as JSON. */
  maxBotActivityBytes: number;
  /** Polite notes to the customer (a refused upload) in their language; none when omitted. */
  messages?: Messages;
  logger: Logger;
}

const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The conversation's language for notes from the channel itself. */
function langOf(locale: string | undefined): Lang {
  const code = locale?.slice(0, 2).toLowerCase();
  return isLang(code) ? code : DEFAULT_LANG;
}

/**
 * Bot Framework activities travel as JSON; this is the one place a plain JSON object becomes the
 * `Activity` botbuilder expects, exactly as `/api/messages` receives it off the wire.
 */
function asActivity(json: object): Activity {
  return JSON.parse(JSON.stringify(json));
}

export class DirectLineConversations implements AttachmentReader {
  private readonly base: string;
  readonly botSide: DirectLineBotSide;

  constructor(private readonly o: DirectLineConversationsOptions) {
    this.base = o.basePath;
    this.botSide = {
      send: (conversationId, activity, recipientId) => this.fromBot(conversationId, activity, recipientId),
      update: (conversationId, activity) => this.updateFromBot(conversationId, activity),
      remove: async (conversationId, activityId) => {
        await this.o.store.deleteActivity(conversationId, activityId);
      },
    };
  }

  /** A new conversation for a user id this server issued or a trusted caller chose; 503 when full of live customers. */
  async create(userId: string, userName?: string): Promise<ConversationRecord> {
    if (!TRUSTED_USER_ID.test(userId)) throw new Error('DirectLineConversations.create(): not a dl_ user id');
    const now = Date.now();
    const record: ConversationRecord = { id: randomBytes(16).toString('base64url'), userId, started: false, createdAt: now, lastActiveAt: now };
    if (userName) record.userName = userName;
    const stored = await this.o.store.createConversation(record);
    if (!stored.ok) throw new DirectLineHttpError(503, 'ServiceUnavailable', 'the service is busy, please try again shortly', 30);
    return stored.value;
  }

  /**
   * The token's conversation, recreated from the token's claims when this process does not hold it
   * (a restart with the same key, or an eviction): the customer keeps their conversation id, so the
   * bot's state and an open case stay linked. Counts as started: no second welcome. Its watermarks
   * start above any the client holds from before (see `DirectLineStore.createConversation`).
   */
  async open(claims: DirectLineTokenClaims): Promise<ConversationRecord> {
    const existing = await this.o.store.getConversation(claims.conv);
    if (existing) return existing;
    if (!CONVERSATION_ID.test(claims.conv)) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    const now = Date.now();
    const record: ConversationRecord = { id: claims.conv, userId: claims.user, started: true, createdAt: now, lastActiveAt: now };
    if (claims.name) record.userName = claims.name;
    const stored = await this.o.store.createConversation(record, true, true);
    if (!stored.ok) throw new DirectLineHttpError(503, 'ServiceUnavailable', 'the service is busy, please try again shortly', 30);
    return stored.value;
  }

  /** A reply with the first token of a new chain for the conversation. */
  newToken(record: ConversationRecord): DirectLineTokenReply {
    const token = this.o.tokens.issue(record.id, record.userId, record.userName);
    return { conversationId: record.id, token, expires_in: this.o.tokens.ttlSeconds };
  }

  /** A reply with a renewed token of the same chain; 403 `TokenExpired` past the absolute lifetime. */
  renewedToken(claims: DirectLineTokenClaims): DirectLineTokenReply {
    const renewed = this.o.tokens.renew(claims);
    if (!renewed) throw new DirectLineHttpError(403, 'TokenExpired', 'token has reached its maximum lifetime');
    return { conversationId: claims.conv, token: renewed.token, expires_in: renewed.expiresIn };
  }

  /** Sends the bot its `conversationUpdate` (bot and user added) once per conversation; false when already started. */
  async start(record: ConversationRecord, locale?: string): Promise<boolean> {
    if (!(await this.o.store.markStarted(record.id, locale))) return false;
    const user = { id: record.userId, name: record.userName, role: 'user' };
    const update = {
      type: 'conversationUpdate',
      id: `${record.id}|start`,
      timestamp: new Date().toISOString(),
      channelId: 'directline',
      serviceUrl: EMBEDDED_DIRECT_LINE_SERVICE_URL,
      conversation: { id: record.id },
      from: user,
      recipient: { id: this.o.bot.id, name: this.o.bot.name, role: 'bot' },
      membersAdded: [{ id: this.o.bot.id, name: this.o.bot.name }, { id: record.userId, name: record.userName }],
      locale: locale ?? record.locale,
    };
    this.o.queue
      .run(record.id, () => this.o.deliverToBot(asActivity(update)))
      .catch((err: unknown) => this.o.logger.warn({ err, conversationId: record.id }, 'DirectLine.start(): conversationUpdate turn failed'));
    return true;
  }

  /**
   * Logs a client activity (typing is only published) and runs the bot's turn on it; returns its id.
   * `clientAddress` is the sender's address, for the bot's per-IP limits.
   */
  async acceptFromClient(record: ConversationRecord, input: ClientActivityInput, attachments?: ClientAttachment[], clientAddress?: string): Promise<string> {
    if (!this.o.queue.hasRoom(record.id)) throw new DirectLineHttpError(429, 'TooManyRequests', 'too many messages at once, please wait', 2);
    if (!record.started) await this.start(record);
    const draft = shapeUserActivity(input, record, attachments);
    let logged: ClientActivity;
    if (draft.type === 'typing') {
      logged = { ...draft, id: `${record.id}|t${randomBytes(6).toString('hex')}`, timestamp: new Date().toISOString() };
      await this.o.store.publishEphemeral(record.id, logged);
    } else {
      const entry = await this.o.store.appendActivity(record.id, { ...draft, timestamp: new Date().toISOString() }, true);
      if (!entry) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
      logged = entry.activity;
    }
    const toBot = asActivity({ ...logged, serviceUrl: EMBEDDED_DIRECT_LINE_SERVICE_URL, recipient: { id: this.o.bot.id, name: this.o.bot.name, role: 'bot' } });
    try {
      await this.o.queue.run(record.id, () => this.o.deliverToBot(toBot, { clientAddress }));
    } catch (err) {
      if (err instanceof TurnQueueFull) throw new DirectLineHttpError(429, 'TooManyRequests', 'too many messages at once, please wait', 2);
      if (err instanceof TurnTimeout) {
        this.o.logger.warn({ conversationId: record.id }, 'DirectLine: bot turn timed out');
        throw new DirectLineHttpError(502, 'BotTimeout', 'Failed to send activity: bot timed out');
      }
      this.o.logger.error({ err, conversationId: record.id }, 'DirectLine: bot turn failed');
      throw new DirectLineHttpError(502, 'BotError', 'Failed to send activity: bot returned an error');
    }
    return logged.id;
  }

  /** The URL clients (and the bot) get for an upload: random, with nothing of the conversation in it. */
  uploadUrl(baseUrl: string, attachmentId: string): string {
    return `${baseUrl}${this.base}/attachments/${attachmentId}`;
  }

  /** Stores one sniffed upload of the conversation; refusals are HTTP errors (with a note to the customer when it is a limit). */
  async storeUpload(record: ConversationRecord, file: { type: UploadType; name: string; data: Buffer }, baseUrl: string): Promise<ClientAttachment> {
    const stored = await this.o.store.putAttachment({ conversationId: record.id, contentType: file.type, name: file.name, data: file.data });
    if (!stored.ok) {
      if (stored.reason === 'capacity') throw new DirectLineHttpError(503, 'ServiceUnavailable', 'the service is busy, please try again shortly', 30);
      if (stored.reason === 'unknown') throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
      await this.note(record, stored.reason === 'count' ? 'directline.uploadCount' : 'directline.uploadTooLarge');
      throw new DirectLineHttpError(413, 'MessageSizeTooBig', 'no more files can be added to this conversation');
    }
    return { contentType: file.type, contentUrl: this.uploadUrl(baseUrl, stored.value), name: file.name };
  }

  /**
   * The conversation's own uploads named by URL in a client activity (`POST …/activities` may only
   * refer to files uploaded into the same conversation); 400 for anything else.
   */
  async ownAttachments(record: ConversationRecord, given: { contentUrl: string }[], baseUrl: string): Promise<ClientAttachment[]> {
    const out: ClientAttachment[] = [];
    for (const a of given) {
      const id = this.attachmentIdOf(a.contentUrl);
      const found = id ? await this.o.store.getAttachment(id) : undefined;
      if (!id || !found || found.conversationId !== record.id) throw new DirectLineHttpError(400, 'BadArgument', 'attachments must be uploaded first');
      out.push({ contentType: found.contentType, contentUrl: this.uploadUrl(baseUrl, id), name: found.name });
    }
    return out;
  }

  async attachmentByUrl(url: string): Promise<UploadedFile | undefined> {
    const id = this.attachmentIdOf(url);
    const found = id ? await this.o.store.getAttachment(id) : undefined;
    return found ? { contentType: found.contentType, name: found.name, bytes: found.data } : undefined;
  }

  /** The attachment id of an upload URL (`…/attachments/<43 base64url characters>`), whatever its origin. */
  attachmentIdOf(url: string): string | undefined {
    let path: string;
    try {
      path = new URL(url, 'http://localhost').pathname;
    } catch {
      return undefined;
    }
    const prefix = `${this.base}/attachments/`;
    if (!path.startsWith(prefix)) return undefined;
    const id = path.slice(prefix.length);
    return /^[A-Za-z0-9_-]{43}$/.test(id) ? id : undefined;
  }

  /** A short note from the channel in the customer's language (a refused upload); best effort. */
  async note(record: ConversationRecord, key: string): Promise<void> {
    if (!this.o.messages) return;
    try {
      const text = this.o.messages.t(langOf(record.locale), key);
      await this.o.store.appendActivity(record.id, { ...shapeBotActivity({ type: 'message', text }, record.id, this.o.bot), timestamp: new Date().toISOString() }, false);
    } catch (err) {
      this.o.logger.warn({ err, conversationId: record.id }, 'DirectLine: note to the customer not sent');
    }
  }

  private async fromBot(conversationId: string, activity: Partial<Activity>, recipientId: string | undefined): Promise<string> {
    const record = await this.forBot(conversationId, recipientId);
    const bytes = Buffer.byteLength(JSON.stringify(activity));
    if (bytes > this.o.maxBotActivityBytes) throw new Error(`DirectLine: bot activity of ${bytes} bytes exceeds ${this.o.maxBotActivityBytes}`);
    const draft = { ...shapeBotActivity(activity, record.id, this.o.bot), timestamp: new Date().toISOString() };
    if (draft.type === 'typing') {
      const id = `${record.id}|t${randomBytes(6).toString('hex')}`;
      await this.o.store.publishEphemeral(record.id, { ...draft, id });
      return id;
    }
    const entry = await this.o.store.appendActivity(record.id, draft, false);
    if (!entry) throw new Error('DirectLine: conversation vanished while the bot was answering');
    return entry.activity.id;
  }

  private async updateFromBot(conversationId: string, activity: Partial<Activity>): Promise<string> {
    const id = activity.id;
    if (!id || !id.startsWith(`${conversationId}|`)) throw new Error('DirectLine: updateActivity needs the id of an activity of this conversation');
    const draft = { ...shapeBotActivity(activity, conversationId, this.o.bot), id, timestamp: new Date().toISOString() };
    const entry = await this.o.store.replaceActivity(conversationId, draft);
    if (!entry) throw new Error('DirectLine: activity to update not found');
    return entry.activity.id;
  }

  /**
   * The conversation a bot activity goes to; a conversation this process no longer holds (a
   * restart, an eviction) is recreated for its user, so an agent's reply is there when the
   * customer comes back with their token.
   */
  private async forBot(conversationId: string, recipientId: string | undefined): Promise<ConversationRecord> {
    const existing = await this.o.store.getConversation(conversationId);
    if (existing) return existing;
    if (!CONVERSATION_ID.test(conversationId) || !recipientId || !(ISSUED_USER_ID.test(recipientId) || TRUSTED_USER_ID.test(recipientId))) {
      throw new Error('DirectLine: unknown conversation');
    }
    const now = Date.now();
    const stored = await this.o.store.createConversation({ id: conversationId, userId: recipientId, started: true, createdAt: now, lastActiveAt: now }, false, true);
    if (!stored.ok) throw new Error('DirectLine: no room to restore the conversation');
    return stored.value;
  }
}
