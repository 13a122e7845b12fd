/**
 * Messenger rendering for Azure Bot Service's `facebook` channel, as botbuilder middleware on the
 * CloudAdapter. Outgoing messages follow `facebookRendering.ts` (quick replies in channelData,
 * ≤ 2,000-character chunks, cards as text, `HUMAN_AGENT` only on human-written messages); incoming
 * quick replies and postbacks are normalised so `activity.text` is the payload, as in direct mode.
 *
 * It leaves direct-mode turns alone: `MessengerAdapter` renders those itself.
 */
import { Activity, ActivityTypes, Middleware, TurnContext } from 'botbuilder';
import {
  FacebookPart,
  HUMAN_AGENT_MARKER,
  isHumanAgentActivity,
  planFacebookMessages,
} from './facebookRendering';
import { FACEBOOK_CHANNEL_ID, MESSENGER_DIRECT_SERVICE_URL, payloadText, payloadValue } from './messengerEvents';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The channelData an activity may carry to the `facebook` channel: our marker removed; for a
 * human-agent message `messaging_type: MESSAGE_TAG` + `tag: HUMAN_AGENT`; for any other message
 * a `HUMAN_AGENT` tag (and the `MESSAGE_TAG` type it needs) is stripped, other tags are kept.
 */
export function facebookChannelData(activity: Partial<Activity>): Record<string, unknown> {
  const cd: Record<string, unknown> = isRecord(activity.channelData) ? { ...activity.channelData } : {};
  delete cd[HUMAN_AGENT_MARKER];
  if (isHumanAgentActivity(activity)) {
    cd.messaging_type = 'MESSAGE_TAG';
    cd.tag = 'HUMAN_AGENT';
    return cd;
  }
  if (cd.tag === 'HUMAN_AGENT') delete cd.tag;
  if (cd.messaging_type === 'MESSAGE_TAG' && cd.tag === undefined) delete cd.messaging_type;
  return cd;
}

function partToActivity(base: Partial<Activity>, channelData: Record<string, unknown>, part: FacebookPart): Partial<Activity> {
  const cd = part.quickReplies?.length ? { ...channelData, quick_replies: part.quickReplies } : channelData;
  const out: Partial<Activity> = { ...base, suggestedActions: undefined, channelData: cd };
  if (part.kind === 'text') {
    out.text = part.text;
    out.attachments = undefined;
  } else {
    out.text = undefined;
    out.attachments = [part.source];
  }
  return out;
}

/**
 * One outgoing activity as the activities to hand to Azure's `facebook` channel. Non-message
 * activities pass through (marker removed). A message with nothing Messenger can show (e.g. only
 * native channelData) passes through with its channelData sanitised.
 */
export function renderForFacebookChannel(activity: Partial<Activity>): Partial<Activity>[] {
  const channelData = facebookChannelData(activity);
  if (activity.type !== ActivityTypes.Message) {
    return [isRecord(activity.channelData) ? { ...activity, channelData } : activity];
  }
  const parts = planFacebookMessages(activity, { heroCards: 'text' });
  if (!parts.length) return [{ ...activity, suggestedActions: undefined, channelData }];
  return parts.map((p) => partToActivity(activity, channelData, p));
}

/** Sets `activity.text` (and `value` for JSON payloads) from a quick reply or postback payload. */
export function normalizeInboundFacebook(activity: Activity): void {
  if (activity.type !== ActivityTypes.Message) return;
  const payload = payloadText(activity.channelData);
  if (payload === undefined) return;
  activity.text = payload;
  const value = payloadValue(payload);
  if (value && activity.value === undefined) activity.value = value;
}

/**
 * @example
 * cloudAdapter.use(new FacebookRenderingMiddleware());
 */
export class FacebookRenderingMiddleware implements Middleware {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    if (a.channelId === FACEBOOK_CHANNEL_ID && a.serviceUrl !== MESSENGER_DIRECT_SERVICE_URL) {
      normalizeInboundFacebook(a);
      context.onSendActivities(async (_ctx, activities, nextSend) => {
        const rendered = activities.flatMap((act) => renderForFacebookChannel(act));
        activities.splice(0, activities.length, ...rendered);
        return nextSend();
      });
    }
    await next();
  }
}
