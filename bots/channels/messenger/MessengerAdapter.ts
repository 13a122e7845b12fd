/**
 * Direct Facebook Messenger mode, for carriers without Azure: our server is the Messenger webhook
 * and we call the Send API ourselves. It is a botbuilder `BotAdapter`, so the same bot, dialogs
 * and middleware run unchanged; activities look exactly like those of Azure's `facebook` channel
 * (see `messengerEvents.ts`), and outgoing activities follow `facebookRendering.ts`.
 *
 * The HTTP side (verification, signatures, body limits) is `registerMessengerWebhook()`.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import axios from 'axios';
import type { Logger } from 'pino';
import {
  Activity,
  ActivityTypes,
  BotAdapter,
  ConversationReference,
  ResourceResponse,
  TurnContext,
} from 'botbuilder';
import {
  FacebookPart,
  FbQuickReply,
  messagingTypeFor,
  planFacebookMessages,
} from './facebookRendering';
import {
  eventToActivity,
  FACEBOOK_CHANNEL_ID,
  inboundEvents,
  MESSENGER_DIRECT_SERVICE_URL,
  WebhookBody,
} from './messengerEvents';
import { MemorySeenEventStore, SeenEventStore } from './seenEvents';

export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com/v21.0';

export type MessengerLogger = Pick<Logger, 'debug' | 'warn' | 'error'>;

export interface MessengerAdapterOptions {
  /** Page access token used for the Send API. Never logged, never put in error messages. */
  pageAccessToken: string;
  /** App secret: key of the `X-Hub-Signature-256` HMAC over the raw webhook body. */
  appSecret: string;
  /** Token typed in the Meta app dashboard when subscribing the webhook. */
  verifyToken: string;
  /** Graph API base, version included. Injectable so tests use a local stand-in. */
  graphApiUrl?: string;
  /** Timeout of one Send API call. Default 10 s. */
  timeoutMs?: number;
  /** Replay protection; default an in-process LRU of 10,000 keys kept 24 h. */
  seenEvents?: SeenEventStore;
  logger?: MessengerLogger;
}

export type SignatureCheck = 'ok' | 'missing' | 'invalid';

export type TurnLogic = (context: TurnContext) => Promise<void>;

interface SendApiBody {
  recipient: { id: string };
  messaging_type?: 'RESPONSE' | 'MESSAGE_TAG';
  tag?: 'HUMAN_AGENT';
  message?: Record<string, unknown>;
  sender_action?: 'typing_on' | 'typing_off' | 'mark_seen';
}

const MAX_DELAY_MS = 10_000;
const noopLogger: MessengerLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'messenger-compare').update(a).digest();
  const hb = createHmac('sha256', 'messenger-compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export class MessengerAdapter extends BotAdapter {
  private readonly token: string;
  private readonly appSecret: string;
  private readonly verifyToken: string;
  readonly graphApiUrl: string;
  private readonly timeoutMs: number;
  private readonly seen: SeenEventStore;
  private readonly log: MessengerLogger;
  /** Per-conversation tail of the turn queue: a user's messages run one after another, in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: MessengerAdapterOptions) {
    super();
    for (const key of ['pageAccessToken', 'appSecret', 'verifyToken'] as const) {
      if (!options[key]) throw new Error(`MessengerAdapter: option ${key} is required`);
    }
    this.token = options.pageAccessToken;
    this.appSecret = options.appSecret;
    this.verifyToken = options.verifyToken;
    this.graphApiUrl = (options.graphApiUrl ?? DEFAULT_GRAPH_API_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.seen = options.seenEvents ?? new MemorySeenEventStore();
    this.log = options.logger ?? noopLogger;
  }

  /**
   * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>` in constant
   * time. A legacy `sha1=` value counts as missing: we accept SHA-256 only.
   */
  verifySignature(rawBody: Buffer, header: string | string[] | undefined): SignatureCheck {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value || !value.startsWith('sha256=')) return 'missing';
    const hex = value.slice('sha256='.length).trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) return 'invalid';
    const expected = createHmac('sha256', this.appSecret).update(rawBody).digest();
    return timingSafeEqual(expected, Buffer.from(hex, 'hex')) ? 'ok' : 'invalid';
  }

  /** The challenge to echo for a valid subscription request, else undefined. */
  verifySubscription(mode: string | null, token: string | null, challenge: string | null): string | undefined {
    if (mode !== 'subscribe' || token === null || challenge === null) return undefined;
    return safeEqual(token, this.verifyToken) ? challenge : undefined;
  }

  /** True for conversation references this adapter created (direct-mode Messenger users). */
  ownsReference(reference: Partial<ConversationReference>): boolean {
    return reference.channelId === FACEBOOK_CHANNEL_ID && reference.serviceUrl === MESSENGER_DIRECT_SERVICE_URL;
  }

  /**
   * Queues the bot turns for a verified webhook body and returns at once (the HTTP answer must
   * not wait for the bot). Replayed events (same `mid`) are dropped; turns of one conversation
   * run in arrival order. `idle()` resolves when everything queued has finished.
   */
  enqueueWebhook(body: WebhookBody, logic: TurnLogic): void {
    for (const inbound of inboundEvents(body)) {
      const activity = eventToActivity(inbound);
      const conversationId = activity.conversation?.id ?? inbound.dedupeKey;
      this.schedule(conversationId, async () => {
        let first = true;
        try {
          first = await this.seen.firstSeen(inbound.dedupeKey);
        } catch (err) {
          this.log.error({ err, conversationId }, 'MessengerAdapter: replay store failed; processing the event anyway');
        }
        if (!first) {
          this.log.debug({ conversationId, activityId: activity.id }, 'MessengerAdapter: replayed event ignored');
          return;
        }
        await this.runTurn(activity, logic);
      });
    }
  }

  /** Resolves when every queued turn has finished (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private schedule(key: string, task: () => Promise<void>): void {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const run: Promise<void> = prev
      .then(task)
      .catch((err: unknown) => {
        this.log.error({ err, conversationId: key }, 'MessengerAdapter: turn failed');
      })
      .finally(() => {
        this.inFlight.delete(run);
        if (this.chains.get(key) === run) this.chains.delete(key);
      });
    this.chains.set(key, run);
    this.inFlight.add(run);
  }

  private async runTurn(activity: Partial<Activity>, logic: TurnLogic): Promise<void> {
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  /**
   * Sends through the Send API. Messages follow `planFacebookMessages` (hero cards as generic
   * templates, other cards as text + quick replies, long text split); typing becomes
   * `sender_action: typing_on`; `delay` waits (at most 10 s); other activity types send nothing.
   * Human-agent messages (`markHumanAgent`) go as `MESSAGE_TAG` + `HUMAN_AGENT`, all others as
   * `RESPONSE`. One response per activity, with the id of the last Messenger message sent.
   */
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const psid = activity.recipient?.id ?? context.activity.from?.id;
      switch (activity.type) {
        case 'delay': {
          const ms = Math.min(Math.max(Number(activity.value) || 1000, 0), MAX_DELAY_MS);
          await new Promise((r) => setTimeout(r, ms));
          responses.push({ id: '' });
          break;
        }
        case ActivityTypes.Typing: {
          if (!psid) throw new Error('MessengerAdapter.sendActivities(): typing activity without a recipient');
          await this.callSendApi({ recipient: { id: psid }, sender_action: 'typing_on' });
          responses.push({ id: '' });
          break;
        }
        case ActivityTypes.Message: {
          if (!psid) throw new Error('MessengerAdapter.sendActivities(): message activity without a recipient');
          const tagging = messagingTypeFor(activity);
          let id = '';
          for (const part of planFacebookMessages(activity, { heroCards: 'template' })) {
            id = await this.callSendApi({ recipient: { id: psid }, ...tagging, message: toSendApiMessage(part) });
          }
          responses.push({ id });
          break;
        }
        default:
          responses.push({ id: '' });
      }
    }
    return responses;
  }

  /** Messenger cannot edit a sent message. */
  async updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
    throw new Error('MessengerAdapter.updateActivity(): Messenger cannot edit sent messages');
  }

  /** Messenger cannot delete a sent message. */
  async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    throw new Error('MessengerAdapter.deleteActivity(): Messenger cannot delete sent messages');
  }

  /**
   * Runs `logic` in a turn for a stored conversation reference (agent replies, proactive
   * messages): `context.sendActivity()` then goes to that PSID through the Send API.
   */
  async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
    if (!reference.user?.id || !reference.conversation?.id) {
      throw new Error('MessengerAdapter.continueConversation(): reference needs user.id (PSID) and conversation.id');
    }
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      reference,
      true,
    );
    await this.runTurn(activity, logic);
  }

  /** CloudAdapter-style signature, so hand-off code can call either adapter the same way. */
  override async continueConversationAsync(
    _botAppIdOrIdentity: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: string | TurnLogic,
    maybeLogic?: TurnLogic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new Error('MessengerAdapter.continueConversationAsync(): logic is required');
    await this.continueConversation(reference, logic);
  }

  private redact(text: string): string {
    return text.split(this.token).join('[redacted]');
  }

  /** POST /me/messages; returns `message_id` ('' for sender actions). */
  private async callSendApi(body: SendApiBody): Promise<string> {
    let res;
    try {
      res = await axios.post(`${this.graphApiUrl}/me/messages`, body, {
        params: { access_token: this.token },
        timeout: this.timeoutMs,
        headers: { 'Content-Type': 'application/json' },
        validateStatus: () => true,
        maxRedirects: 0,
      });
    } catch (err) {
      const code = isRecord(err) && typeof err.code === 'string' ? err.code : 'network error';
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(this.redact(`MessengerAdapter.sendActivities(): Graph API request failed (${code}): ${message}`));
    }
    const data: unknown = res.data;
    if (res.status < 200 || res.status >= 300) {
      const e = isRecord(data) && isRecord(data.error) ? data.error : {};
      const code = e.code !== undefined ? ` (#${String(e.code)}${e.error_subcode !== undefined ? `/${String(e.error_subcode)}` : ''})` : '';
      const message = typeof e.message === 'string' ? ` ${e.message}` : '';
      const trace = typeof e.fbtrace_id === 'string' ? ` [fbtrace_id ${e.fbtrace_id}]` : '';
      throw new Error(this.redact(`MessengerAdapter.sendActivities(): Graph API ${res.status}${code}${message}${trace}`));
    }
    return isRecord(data) && typeof data.message_id === 'string' ? data.message_id : '';
  }
}

function withQuickReplies(message: Record<string, unknown>, quickReplies: FbQuickReply[] | undefined): Record<string, unknown> {
  return quickReplies?.length ? { ...message, quick_replies: quickReplies } : message;
}

/** The Send API `message` object for one planned part. */
export function toSendApiMessage(part: FacebookPart): Record<string, unknown> {
  switch (part.kind) {
    case 'text':
      return withQuickReplies({ text: part.text }, part.quickReplies);
    case 'media':
      return withQuickReplies({ attachment: { type: part.mediaType, payload: { url: part.url, is_reusable: true } } }, part.quickReplies);
    case 'template':
      return withQuickReplies({ attachment: { type: 'template', payload: part.template } }, part.quickReplies);
  }
}
