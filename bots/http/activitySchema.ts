/**
 * The shape an activity must have to enter the bot through `/api/messages`, checked before
 * botbuilder sees it. What every channel (Azure Bot Service, Emulator, `npm run chat`) sends
 * passes; anything else is refused with 400 and a generic body, so a malformed or hostile body
 * never reaches botbuilder's own parsing (whose errors name internals) or the dialogs.
 *
 * Bounds are generous for real traffic and small enough that one activity cannot carry a flood
 * of ids or members. Unknown fields pass through (channels add their own).
 */
import { z } from 'zod';
import type { Activity } from 'botbuilder';

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const id = (max: number) => z.string().min(1).max(max);

const account = z.looseObject({
  id: id(256),
  name: z.string().max(256).optional(),
  role: z.string().max(32).optional(),
  aadObjectId: z.string().max(64).optional(),
});

/** A Bot Framework activity as accepted at the edge. */
export const inboundActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(256).optional(),
  channelId: id(64),
  serviceUrl: z.string().min(1).max(2048).refine(isHttpUrl),
  conversation: z.looseObject({ id: id(512), isGroup: z.boolean().optional(), conversationType: z.string().max(64).optional(), tenantId: z.string().max(64).optional() }),
  from: account,
  recipient: account.optional(),
  timestamp: z.string().max(64).optional(),
  localTimestamp: z.string().max(64).optional(),
  locale: z.string().max(64).optional(),
  text: z.string().max(16 * 1024).optional(),
  textFormat: z.string().max(32).optional(),
  name: z.string().max(256).optional(),
  replyToId: z.string().max(256).optional(),
  membersAdded: z.array(account).max(50).optional(),
  membersRemoved: z.array(account).max(50).optional(),
  attachments: z.array(z.looseObject({ contentType: z.string().max(256), contentUrl: z.string().max(4096).optional(), name: z.string().max(512).optional() })).max(10).optional(),
  entities: z.array(z.looseObject({ type: z.string().max(128) })).max(20).optional(),
});

/**
 * True when a parsed JSON body is an activity of the accepted shape. The fields the bot relies on
 * (type, channel, conversation id, sender id, serviceUrl) are then present and bounded.
 */
export function isInboundActivity(body: unknown): body is Activity {
  return inboundActivitySchema.safeParse(body).success;
}
