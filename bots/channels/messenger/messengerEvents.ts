/**
 * Messenger Platform webhook payloads and their mapping to Bot Framework activities.
 *
 * The mapping mirrors what Azure Bot Service's `facebook` channel hands a bot, so dialogs cannot
 * tell the direct mode from the Azure relay: channelId `facebook`, conversation id
 * `<PSID>-<page id>`, `from.id` = PSID, `recipient.id` = page id, activity id = message `mid`,
 * `channelData` = the raw messaging event. Two deliberate normalisations (applied to the Azure
 * channel too, by `FacebookRenderingMiddleware`): a tapped quick reply and a postback both arrive
 * as a message whose text is the payload, so choice prompts see the value, never a cut title.
 */
import { Activity, ActivityTypes, Attachment, Entity } from 'botbuilder';
import { z } from 'zod';

/**
 * `serviceUrl` of activities and conversation references from the direct mode. The `.invalid`
 * top-level domain can never resolve, so a reference handed to the wrong adapter fails fast
 * instead of calling anything; `MessengerAdapter.ownsReference()` recognises it.
 */
export const MESSENGER_DIRECT_SERVICE_URL = 'https://messenger-direct.invalid/';
export const FACEBOOK_CHANNEL_ID = 'facebook';

const idObj = z.object({ id: z.string().min(1) }).passthrough();

const attachmentSchema = z
  .object({
    type: z.string(),
    payload: z
      .object({
        url: z.string().optional(),
        title: z.string().optional(),
        sticker_id: z.union([z.number(), z.string()]).optional(),
        coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
      })
      .passthrough()
      .nullish(),
    title: z.string().optional(),
    url: z.string().optional(),
  })
  .passthrough();

const messageSchema = z
  .object({
    mid: z.string().optional(),
    text: z.string().optional(),
    is_echo: z.boolean().optional(),
    quick_reply: z.object({ payload: z.union([z.string(), z.number()]) }).passthrough().optional(),
    attachments: z.array(attachmentSchema).optional(),
  })
  .passthrough();

const postbackSchema = z
  .object({
    mid: z.string().optional(),
    title: z.string().optional(),
    payload: z.union([z.string(), z.number()]).optional(),
  })
  .passthrough();

/** One entry of `entry[].messaging[]`; unknown event kinds (delivery, read, reaction…) pass through. */
export const messagingEventSchema = z
  .object({
    sender: idObj,
    recipient: idObj,
    timestamp: z.number().optional(),
    message: messageSchema.optional(),
    postback: postbackSchema.optional(),
  })
  .passthrough();

export type MessagingEvent = z.infer<typeof messagingEventSchema>;

/** The body of a webhook POST. Entries without `messaging` (e.g. `standby`, `changes`) are allowed. */
export const webhookBodySchema = z
  .object({
    object: z.string(),
    entry: z.array(
      z
        .object({
          id: z.union([z.string(), z.number()]).transform(String),
          time: z.number().optional(),
          messaging: z.array(z.unknown()).optional(),
        })
        .passthrough(),
    ),
  })
  .passthrough();

export type WebhookBody = z.infer<typeof webhookBodySchema>;

/** A messaging event worth a bot turn, with the page it came to. */
export interface InboundEvent {
  pageId: string;
  event: MessagingEvent;
  /** Stable identity of the event for de-duplication (message or postback `mid`). */
  dedupeKey: string;
}

/**
 * The events a bot should see: messages (not echoes of our own sends) and postbacks.
 * Delivery and read receipts, reactions, referrals, standby and malformed entries are skipped.
 */
export function inboundEvents(body: WebhookBody): InboundEvent[] {
  const out: InboundEvent[] = [];
  for (const entry of body.entry) {
    for (const raw of entry.messaging ?? []) {
      const parsed = messagingEventSchema.safeParse(raw);
      if (!parsed.success) continue;
      const event = parsed.data;
      if (event.message && !event.message.is_echo) {
        const key = event.message.mid ?? `msg:${event.sender.id}:${event.timestamp ?? ''}:${event.message.text ?? ''}`;
        out.push({ pageId: entry.id, event, dedupeKey: key });
      } else if (event.postback) {
        const key = event.postback.mid ?? `postback:${event.sender.id}:${event.timestamp ?? ''}:${String(event.postback.payload ?? '')}`;
        out.push({ pageId: entry.id, event, dedupeKey: key });
      }
    }
  }
  return out;
}

const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

/** Content type from the URL's file extension; `application/octet-stream` when unknown. */
export function contentTypeFromUrl(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    /* keep the raw string */
  }
  const m = /\.([a-z0-9]{2,5})$/i.exec(path);
  return (m && EXTENSION_TYPES[m[1].toLowerCase()]) || 'application/octet-stream';
}

type MessengerAttachment = z.infer<typeof attachmentSchema>;

function toAttachment(a: MessengerAttachment, entities: Entity[]): Attachment | undefined {
  const url = a.payload?.url ?? a.url;
  const coords = a.payload?.coordinates;
  if (a.type === 'location' && coords) {
    entities.push({ type: 'Place', geo: { type: 'GeoCoordinates', latitude: coords.lat, longitude: coords.long } });
    return { contentType: 'application/geo+json', content: { type: 'Point', coordinates: [coords.long, coords.lat] }, name: a.title };
  }
  if (!url) return undefined;
  return { contentType: contentTypeFromUrl(url), contentUrl: url, name: a.payload?.title ?? a.title };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text a bot should see for a Messenger event (or Azure `facebook` channelData): the quick
 * reply's payload, else the postback's payload, else undefined (keep the message text).
 */
export function payloadText(channelData: unknown): string | undefined {
  const parsed = messagingEventSchema.safeParse(channelData);
  if (!parsed.success) return undefined;
  const qr = parsed.data.message?.quick_reply?.payload;
  if (qr !== undefined && String(qr) !== '') return String(qr);
  const pb = parsed.data.postback?.payload;
  if (pb !== undefined && String(pb) !== '') return String(pb);
  return undefined;
}

/**
 * Object payloads (from Adaptive Card `Action.Submit` data) also land in `activity.value`, as
 * Web Chat delivers them; the text stays the payload.
 */
export function payloadValue(text: string | undefined): Record<string, unknown> | undefined {
  return text === undefined ? undefined : parseJsonObject(text);
}

/** The activity for one inbound event, shaped as Azure's `facebook` channel shapes it. */
export function eventToActivity(inbound: InboundEvent): Partial<Activity> {
  const { event, pageId } = inbound;
  const psid = event.sender.id;
  const entities: Entity[] = [];
  const attachments: Attachment[] = [];
  for (const a of event.message?.attachments ?? []) {
    const att = toAttachment(a, entities);
    if (att) attachments.push(att);
  }
  const text = payloadText(event) ?? event.message?.text ?? event.postback?.title;
  const activity: Partial<Activity> = {
    type: ActivityTypes.Message,
    id: event.message?.mid ?? event.postback?.mid ?? inbound.dedupeKey,
    timestamp: new Date(event.timestamp ?? Date.now()),
    channelId: FACEBOOK_CHANNEL_ID,
    serviceUrl: MESSENGER_DIRECT_SERVICE_URL,
    from: { id: psid, name: '', role: 'user' },
    recipient: { id: pageId, name: '', role: 'bot' },
    conversation: { id: `${psid}-${pageId}`, isGroup: false, name: '', conversationType: 'personal' },
    channelData: event,
  };
  if (text !== undefined) activity.text = text;
  const value = payloadValue(payloadText(event));
  if (value) activity.value = value;
  if (attachments.length) activity.attachments = attachments;
  if (entities.length) activity.entities = entities;
  return activity;
}
