/**
 * Facebook Messenger rendering rules, as pure functions over Bot Framework activities.
 *
 * One set of rules serves both ways a LockerDesk bot reaches Messenger:
 * - the direct mode (`MessengerAdapter`) turns the planned parts into Send API bodies;
 * - Azure Bot Service's `facebook` channel gets them through `FacebookRenderingMiddleware`,
 *   which rewrites outgoing activities before the connector relays them.
 *
 * What Messenger promises and we respect: at most 13 quick replies, quick-reply titles of at most
 * 20 characters, payloads of at most 1,000 characters, text messages of at most 2,000 characters,
 * and the `HUMAN_AGENT` message tag only on replies a person wrote.
 */
import { Activity, ActionTypes, Attachment, CardAction } from 'botbuilder';

export const FB_MAX_QUICK_REPLIES = 13;
export const FB_QUICK_REPLY_TITLE_MAX = 20;
export const FB_QUICK_REPLY_PAYLOAD_MAX = 1000;
export const FB_TEXT_MAX = 2000;
/** Generic template limits: title and subtitle 80 characters, at most 3 buttons. */
export const FB_TEMPLATE_TEXT_MAX = 80;
export const FB_TEMPLATE_MAX_BUTTONS = 3;

/**
 * The activity marker for a message written by a human agent: `activity.channelData.humanAgent === true`.
 * Only such messages may carry Messenger's `HUMAN_AGENT` tag (7-day window); the tag on an
 * automated message breaks Meta's policy. The hand-off code sets it with `markHumanAgent()`.
 */
export const HUMAN_AGENT_MARKER = 'humanAgent';

export const HERO_CARD = 'application/vnd.microsoft.card.hero';
export const THUMBNAIL_CARD = 'application/vnd.microsoft.card.thumbnail';
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export interface FbQuickReply {
  content_type: 'text';
  title: string;
  payload: string;
}

export type FbButton =
  | { type: 'web_url'; title: string; url: string }
  | { type: 'postback'; title: string; payload: string }
  | { type: 'phone_number'; title: string; payload: string };

export interface FbGenericElement {
  title: string;
  subtitle?: string;
  image_url?: string;
  buttons?: FbButton[];
}

export interface FbGenericTemplate {
  template_type: 'generic';
  elements: FbGenericElement[];
}

export type FbMediaType = 'image' | 'video' | 'audio' | 'file';

/** One Messenger message planned from an activity; quick replies ride only on the last part. */
export type FacebookPart =
  | { kind: 'text'; text: string; quickReplies?: FbQuickReply[] }
  | { kind: 'media'; mediaType: FbMediaType; url: string; source: Attachment; quickReplies?: FbQuickReply[] }
  | { kind: 'template'; template: FbGenericTemplate; source: Attachment; quickReplies?: FbQuickReply[] };

export interface RenderOptions {
  /**
   * `template`: hero/thumbnail cards that fit become a generic template (direct mode);
   * `text`: every card becomes its plain-text fallback plus quick replies (Azure channel).
   * Adaptive Cards always become text: Messenger cannot show them.
   */
  heroCards: 'template' | 'text';
}

/** The Send API tagging for one activity: `HUMAN_AGENT` only when a person wrote it. */
export interface FbMessagingType {
  messaging_type: 'RESPONSE' | 'MESSAGE_TAG';
  tag?: 'HUMAN_AGENT';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** True when the activity carries the human-agent marker (see `HUMAN_AGENT_MARKER`). */
export function isHumanAgentActivity(activity: Partial<Activity>): boolean {
  return isRecord(activity.channelData) && activity.channelData[HUMAN_AGENT_MARKER] === true;
}

/** Returns a copy of the activity marked as written by a human agent; other channelData is kept. */
export function markHumanAgent<T extends Partial<Activity>>(activity: T): T {
  const channelData = isRecord(activity.channelData) ? activity.channelData : {};
  return { ...activity, channelData: { ...channelData, [HUMAN_AGENT_MARKER]: true } };
}

export function messagingTypeFor(activity: Partial<Activity>): FbMessagingType {
  return isHumanAgentActivity(activity) ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : { messaging_type: 'RESPONSE' };
}

/** Cuts to `max` characters (code points), the last one an ellipsis when anything was cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text.trim());
  if (chars.length <= max) return chars.join('');
  return chars.slice(0, max - 1).join('').trimEnd() + '…';
}

function actionPayload(action: CardAction): string | undefined {
  const v: unknown = action.value;
  let payload: string | undefined;
  if (typeof v === 'string' && v !== '') payload = v;
  else if (typeof v === 'number' || typeof v === 'boolean') payload = String(v);
  else if (isRecord(v)) payload = JSON.stringify(v);
  payload ??= str(action.text) ?? str(action.title);
  if (payload !== undefined && payload.length > FB_QUICK_REPLY_PAYLOAD_MAX) payload = str(action.title);
  return payload !== undefined && payload.length <= FB_QUICK_REPLY_PAYLOAD_MAX ? payload : undefined;
}

const REPLY_ACTIONS = new Set<string>([ActionTypes.ImBack, ActionTypes.PostBack, ActionTypes.MessageBack]);

/**
 * Suggested actions (or card buttons) to quick replies: only actions that send something back
 * (imBack, postBack, messageBack); at most 13; titles cut at 20 characters with an ellipsis;
 * the payload is the action's full value (the full title when it has none or it is too long).
 */
export function toQuickReplies(actions: readonly CardAction[] | undefined): FbQuickReply[] {
  const out: FbQuickReply[] = [];
  for (const action of actions ?? []) {
    if (out.length >= FB_MAX_QUICK_REPLIES) break;
    if (action.type && !REPLY_ACTIONS.has(action.type)) continue;
    const fullTitle = str(action.title) ?? (typeof action.value === 'string' ? str(action.value) : undefined);
    const payload = actionPayload(action);
    if (!fullTitle || !payload) continue;
    out.push({ content_type: 'text', title: truncate(fullTitle, FB_QUICK_REPLY_TITLE_MAX), payload });
  }
  return out;
}

const SENTENCE_END = /[.!?…][)"'»”]*\s+|\n+/g;
const WORD_END = /\s+/g;

function lastBoundary(window: string, re: RegExp, minAt: number): number {
  let best = -1;
  re.lastIndex = 0;
  for (let m = re.exec(window); m; m = re.exec(window)) {
    const end = m.index + m[0].length;
    if (end >= minAt && end <= window.length) best = end;
  }
  return best;
}

/**
 * Splits text into chunks of at most `max` characters (UTF-16 units, which never undercounts
 * Messenger's limit): at the last sentence end in the window, else at the last space, else hard
 * (never inside a surrogate pair). A boundary in the first half of the window is not taken, so
 * chunks stay reasonably full. Chunks are trimmed; empty text gives no chunk.
 */
export function splitText(text: string, max = FB_TEXT_MAX): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const minAt = Math.floor(max / 2);
    let cut = lastBoundary(window, SENTENCE_END, minAt);
    if (cut < 0 || rest.slice(0, cut).trimEnd().length > max) cut = lastBoundary(window, WORD_END, minAt);
    if (cut < 0 || rest.slice(0, cut).trimEnd().length > max) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const chunk = rest.slice(0, cut).trim();
    if (chunk) chunks.push(chunk);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** Plain-text fallback and reply actions of a card, for channels that cannot show it. */
export interface CardFallback {
  text: string;
  actions: CardAction[];
}

function heroFallback(content: Record<string, unknown>): CardFallback {
  const lines = [str(content.title), str(content.subtitle), str(content.text)].filter((l): l is string => !!l);
  const actions: CardAction[] = [];
  const buttons = Array.isArray(content.buttons) ? content.buttons : [];
  for (const b of buttons) {
    if (!isRecord(b)) continue;
    const type = str(b.type) ?? ActionTypes.ImBack;
    const title = str(b.title) ?? '';
    if (type === ActionTypes.OpenUrl && str(b.value)) lines.push(title ? `${title}: ${String(b.value)}` : String(b.value));
    else if (type === ActionTypes.Call && str(b.value)) lines.push(title ? `${title}: ${String(b.value).replace(/^tel:/, '')}` : String(b.value));
    else if (REPLY_ACTIONS.has(type)) actions.push({ type, title, value: b.value, text: str(b.text) });
  }
  return { text: lines.join('\n'), actions };
}

function adaptiveTexts(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) adaptiveTexts(n, out);
    return;
  }
  if (!isRecord(node)) return;
  if (node.type === 'TextBlock' && str(node.text)) out.push(String(node.text));
  if (node.type === 'RichTextBlock' && Array.isArray(node.inlines)) {
    const line = node.inlines.map((i) => (typeof i === 'string' ? i : isRecord(i) ? (str(i.text) ?? '') : '')).join('');
    if (line.trim()) out.push(line);
  }
  if (node.type === 'FactSet' && Array.isArray(node.facts)) {
    for (const f of node.facts) if (isRecord(f)) out.push(`${str(f.title) ?? ''}: ${str(f.value) ?? ''}`);
  }
  for (const key of ['body', 'items', 'columns']) adaptiveTexts(node[key], out);
}

function adaptiveActions(node: unknown, lines: string[], out: CardAction[]): void {
  if (!Array.isArray(node)) return;
  for (const a of node) {
    if (!isRecord(a)) continue;
    const title = str(a.title) ?? '';
    if (a.type === 'Action.Submit' || a.type === 'Action.Execute') {
      const data: unknown = a.data;
      out.push({ type: ActionTypes.PostBack, title, value: data ?? title });
    } else if (a.type === 'Action.OpenUrl' && str(a.url)) {
      lines.push(title ? `${title}: ${String(a.url)}` : String(a.url));
    } else if (a.type === 'Action.ShowCard' && isRecord(a.card)) {
      adaptiveActions(a.card.actions, lines, out);
    }
  }
}

function adaptiveFallback(content: Record<string, unknown>): CardFallback {
  const actions: CardAction[] = [];
  const extra: string[] = [];
  adaptiveActions(content.actions, extra, actions);
  const explicit = str(content.fallbackText) ?? str(content.speak);
  let text: string;
  if (explicit) text = explicit;
  else {
    const lines: string[] = [];
    adaptiveTexts(content.body, lines);
    text = lines.join('\n');
  }
  return { text: [text, ...extra].filter((l) => l.trim()).join('\n'), actions };
}

/** The plain-text fallback of a hero, thumbnail or Adaptive Card; undefined for other attachments. */
export function cardFallback(attachment: Attachment): CardFallback | undefined {
  if (!isRecord(attachment.content)) return undefined;
  if (attachment.contentType === HERO_CARD || attachment.contentType === THUMBNAIL_CARD) return heroFallback(attachment.content);
  if (attachment.contentType === ADAPTIVE_CARD) return adaptiveFallback(attachment.content);
  return undefined;
}

function toTemplateButton(b: unknown): FbButton | undefined {
  if (!isRecord(b)) return undefined;
  const title = truncate(str(b.title) ?? '', FB_QUICK_REPLY_TITLE_MAX);
  const value = b.value;
  const type = str(b.type) ?? ActionTypes.ImBack;
  if (!title) return undefined;
  if (type === ActionTypes.OpenUrl && typeof value === 'string' && /^https?:\/\//i.test(value)) return { type: 'web_url', title, url: value };
  if (type === ActionTypes.Call && typeof value === 'string') return { type: 'phone_number', title, payload: value.replace(/^tel:/, '') };
  if (REPLY_ACTIONS.has(type)) {
    const payload = actionPayload({ type, title: String(b.title), value });
    return payload ? { type: 'postback', title, payload } : undefined;
  }
  return undefined;
}

/**
 * A hero/thumbnail card as a generic template, or undefined when it does not fit one (no title,
 * more than 3 buttons, or a button Messenger has no equivalent for): then the text fallback is used.
 */
export function toGenericTemplate(attachment: Attachment): FbGenericTemplate | undefined {
  if (attachment.contentType !== HERO_CARD && attachment.contentType !== THUMBNAIL_CARD) return undefined;
  const c = attachment.content;
  if (!isRecord(c)) return undefined;
  const title = str(c.title);
  if (!title) return undefined;
  const rawButtons = Array.isArray(c.buttons) ? c.buttons : [];
  if (rawButtons.length > FB_TEMPLATE_MAX_BUTTONS) return undefined;
  const buttons: FbButton[] = [];
  for (const rb of rawButtons) {
    const b = toTemplateButton(rb);
    if (!b) return undefined;
    buttons.push(b);
  }
  const subtitle = str(c.subtitle) ?? str(c.text);
  const images = Array.isArray(c.images) ? c.images : [];
  const image = images.find((i): i is Record<string, unknown> => isRecord(i) && typeof i.url === 'string');
  const element: FbGenericElement = { title: truncate(title, FB_TEMPLATE_TEXT_MAX) };
  if (subtitle) element.subtitle = truncate(subtitle, FB_TEMPLATE_TEXT_MAX);
  if (image && /^https?:\/\//i.test(String(image.url))) element.image_url = String(image.url);
  if (buttons.length) element.buttons = buttons;
  return { template_type: 'generic', elements: [element] };
}

/** Messenger attachment type for a media content type, or undefined when it is not media. */
export function mediaTypeOf(contentType: string | undefined): FbMediaType | undefined {
  if (!contentType) return undefined;
  const ct = contentType.toLowerCase();
  if (ct.startsWith('image/')) return 'image';
  if (ct.startsWith('video/')) return 'video';
  if (ct.startsWith('audio/')) return 'audio';
  if (ct.startsWith('application/') && !ct.startsWith('application/vnd.microsoft.')) return 'file';
  return undefined;
}

/**
 * Plans the Messenger messages for one message activity: text chunks (≤ 2,000 characters), then
 * media and templates, with the quick replies (from suggested actions and card buttons, ≤ 13)
 * on the last part only. Cards Messenger cannot show contribute their text fallback.
 * Quick replies need a message to ride on: with no text and no attachment they are dropped.
 */
export function planFacebookMessages(activity: Partial<Activity>, options: RenderOptions): FacebookPart[] {
  const texts: string[] = [];
  const actions: CardAction[] = [...(activity.suggestedActions?.actions ?? [])];
  const attachmentParts: FacebookPart[] = [];
  if (str(activity.text)) texts.push(String(activity.text).trim());

  for (const att of activity.attachments ?? []) {
    const media = mediaTypeOf(att.contentType);
    if (media && typeof att.contentUrl === 'string' && /^https?:\/\//i.test(att.contentUrl)) {
      attachmentParts.push({ kind: 'media', mediaType: media, url: att.contentUrl, source: att });
      continue;
    }
    const template = options.heroCards === 'template' ? toGenericTemplate(att) : undefined;
    if (template) {
      attachmentParts.push({ kind: 'template', template, source: att });
      continue;
    }
    const fb = cardFallback(att);
    if (fb) {
      if (fb.text.trim()) texts.push(fb.text.trim());
      actions.push(...fb.actions);
    }
  }

  const parts: FacebookPart[] = [];
  for (const chunk of splitText(texts.join('\n\n'))) parts.push({ kind: 'text', text: chunk });
  parts.push(...attachmentParts);
  const quickReplies = toQuickReplies(actions);
  if (quickReplies.length && parts.length) parts[parts.length - 1] = { ...parts[parts.length - 1], quickReplies };
  return parts;
}
