/**
 * What crosses the Direct Line boundary, both ways, by whitelist:
 *
 * - **from a client**: {@link clientActivitySchema} (zod) — message, typing or event, bounded
 *   fields; identity, ids, timestamps, `serviceUrl`, `recipient`, `deliveryMode` and anything else
 *   are never taken from the client;
 * - **to a client**: {@link shapeBotActivity} and {@link shapeUserActivity} build a
 *   {@link ClientActivity} from the fields Web Chat renders, nothing else. No `serviceUrl`,
 *   `relatesTo`, `recipient`, `callerId`, conversation reference or channel data of the bot reaches
 *   a browser (not even nested in `value`, entities or card content), the conversation is always
 *   the client's own, and a `replyToId` must point into it.
 */
import { z } from 'zod';

/** A JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One attachment as a client sees it. */
export interface ClientAttachment {
  contentType: string;
  contentUrl?: string;
  content?: Json;
  name?: string;
  thumbnailUrl?: string;
}

/**
 * An activity as kept in a conversation's log and sent to clients (GET activities, WebSocket).
 * These fields and no others.
 */
export interface ClientActivity {
  type: string;
  /** `<conversationId>|<seq>`, assigned by the store. */
  id: string;
  /** ISO 8601, set by the endpoint. */
  timestamp: string;
  channelId: 'directline';
  conversation: { id: string };
  from: { id: string; name?: string; role: 'user' | 'bot' };
  locale?: string;
  localTimestamp?: string;
  localTimezone?: string;
  text?: string;
  textFormat?: string;
  speak?: string;
  inputHint?: string;
  summary?: string;
  attachments?: ClientAttachment[];
  attachmentLayout?: string;
  suggestedActions?: { actions: Json[] };
  entities?: Json[];
  name?: string;
  value?: Json;
  valueType?: string;
  replyToId?: string;
  importance?: string;
  /** Only what Web Chat itself put there, to match its own echoes. */
  channelData?: { clientActivityID?: string; clientTimestamp?: string };
}

/** A BCP 47-ish locale tag. */
export const LOCALE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/;

/** Keys never passed on at any depth: they carry routing or references to conversations. */
const DENIED_KEYS = new Set(['serviceUrl', 'relatesTo', 'conversationReference', 'callerId', 'recipient']);
const MAX_DEPTH = 16;

/**
 * A JSON copy of `value` without denied keys and without anything shaped like a conversation
 * reference; `undefined` for non-JSON values or beyond {@link MAX_DEPTH} levels (a hostile body
 * can nest deeper than any real card).
 */
export function cleanJson(value: unknown, depth = 0): Json | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      const v = cleanJson(item, depth + 1);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  if (typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  if (looksLikeReference(o)) return undefined;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) {
    if (DENIED_KEYS.has(k) || k === '__proto__') continue;
    const c = cleanJson(v, depth + 1);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

function looksLikeReference(o: Record<string, unknown>): boolean {
  return typeof o.conversation === 'object' && o.conversation !== null && ('bot' in o || 'user' in o || 'activityId' in o || 'channelId' in o);
}

/** Bounded JSON from a client: anything nested deeper than real payloads is refused. */
const clientJson = z.unknown().transform((v, ctx) => {
  const clean = cleanJson(v);
  if (clean === undefined) {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
  return clean;
});

/** What a client may post (`POST …/activities`, the `activity` part of an upload). Unknown fields are dropped. */
export const clientActivitySchema = z.object({
  type: z.enum(['message', 'typing', 'event']),
  text: z.string().max(5000).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().regex(LOCALE).optional(),
  localTimestamp: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
  attachments: z
    .array(z.object({ contentType: z.string().max(255), contentUrl: z.string().max(2048), name: z.string().max(255).optional() }))
    .max(5)
    .optional(),
  entities: z.array(clientJson).max(8).optional(),
  channelData: z.object({ clientActivityID: z.string().max(128).optional(), clientTimestamp: z.string().max(64).optional() }).optional(),
  value: clientJson.optional(),
  valueType: z.string().max(255).optional(),
  name: z.string().max(255).optional(),
  replyToId: z.string().max(128).optional(),
});

export type ClientActivityInput = z.output<typeof clientActivitySchema>;

type Draft = Omit<ClientActivity, 'id' | 'timestamp'>;

/** The log entry of a client's activity (attachments already resolved to this conversation's uploads). */
export function shapeUserActivity(
  input: ClientActivityInput,
  conv: { id: string; userId: string; userName?: string; locale?: string },
  attachments: ClientAttachment[] | undefined,
): Draft {
  const a: Draft = {
    type: input.type,
    channelId: 'directline',
    conversation: { id: conv.id },
    from: conv.userName ? { id: conv.userId, name: conv.userName, role: 'user' } : { id: conv.userId, role: 'user' },
  };
  const locale = input.locale ?? conv.locale;
  if (locale) a.locale = locale;
  if (input.text !== undefined) a.text = input.text;
  if (input.textFormat) a.textFormat = input.textFormat;
  if (input.localTimestamp) a.localTimestamp = input.localTimestamp;
  if (input.localTimezone) a.localTimezone = input.localTimezone;
  if (attachments?.length) a.attachments = attachments;
  if (input.entities?.length) a.entities = input.entities;
  if (input.value !== undefined) a.value = input.value;
  if (input.valueType) a.valueType = input.valueType;
  if (input.name) a.name = input.name;
  if (input.replyToId?.startsWith(`${conv.id}|`)) a.replyToId = input.replyToId;
  const cd = input.channelData;
  if (cd && (cd.clientActivityID || cd.clientTimestamp)) {
    a.channelData = {};
    if (cd.clientActivityID) a.channelData.clientActivityID = cd.clientActivityID;
    if (cd.clientTimestamp) a.channelData.clientTimestamp = cd.clientTimestamp;
  }
  return a;
}

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);

/**
 * The log entry of an activity the bot sent into a conversation. Whatever the bot (or botbuilder,
 * e.g. `EventFactory.createHandoffInitiation`'s `relatesTo`) put elsewhere stays on the server.
 */
export function shapeBotActivity(raw: object, conversationId: string, bot: { id: string; name: string }): Draft {
  const activity = raw as Record<string, unknown>;
  const from = activity.from as { name?: unknown } | undefined;
  const a: Draft = {
    type: str(activity.type, 64) ?? 'message',
    channelId: 'directline',
    conversation: { id: conversationId },
    from: { id: bot.id, name: str(from?.name, 200) ?? bot.name, role: 'bot' },
  };
  for (const key of ['locale', 'textFormat', 'inputHint', 'attachmentLayout', 'valueType', 'importance'] as const) {
    const v = str(activity[key], 64);
    if (v) a[key] = v;
  }
  for (const key of ['text', 'speak', 'summary'] as const) {
    const v = str(activity[key], 100_000);
    if (v !== undefined) a[key] = v;
  }
  const name = str(activity.name, 255);
  if (name) a.name = name;
  const replyToId = str(activity.replyToId, 128);
  if (replyToId?.startsWith(`${conversationId}|`)) a.replyToId = replyToId;
  if (activity.value !== undefined) {
    const v = cleanJson(activity.value);
    if (v !== undefined) a.value = v;
  }
  if (Array.isArray(activity.entities)) {
    const entities = activity.entities.map((e) => cleanJson(e)).filter((e): e is Json => e !== undefined && e !== null && typeof e === 'object');
    if (entities.length) a.entities = entities;
  }
  if (Array.isArray(activity.attachments)) {
    const attachments = activity.attachments.map(shapeAttachment).filter((x): x is ClientAttachment => x !== undefined);
    if (attachments.length) a.attachments = attachments;
  }
  const suggested = activity.suggestedActions as { actions?: unknown } | undefined;
  if (suggested && Array.isArray(suggested.actions)) {
    const actions = suggested.actions.map((x) => cleanJson(x)).filter((x): x is Json => x !== undefined && x !== null && typeof x === 'object');
    if (actions.length) a.suggestedActions = { actions };
  }
  return a;
}

function shapeAttachment(raw: unknown): ClientAttachment | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const contentType = str(r.contentType, 255);
  if (!contentType) return undefined;
  const out: ClientAttachment = { contentType };
  const url = str(r.contentUrl, 8 * 1024 * 1024);
  if (url) out.contentUrl = url;
  const name = str(r.name, 255);
  if (name) out.name = name;
  const thumb = str(r.thumbnailUrl, 2048);
  if (thumb) out.thumbnailUrl = thumb;
  if (r.content !== undefined) {
    const c = cleanJson(r.content);
    if (c !== undefined) out.content = c;
  }
  return out;
}
