/**
 * Lean turns: what the bot says during one turn leaves in as few activities as the channel
 * allows, so dialogs can keep saying one thing at a time.
 *
 * - **Messages** are held until the bot's logic is over, then consecutive ones are coalesced on
 *   channels that render text, cards and suggested actions in one activity (Web Chat / Direct
 *   Line, Emulator, Teams): the texts joined as paragraphs, the cards after them, the suggested
 *   actions of the last. A message that offers suggested actions itself ends a group (it asks a
 *   question; what follows stays separate), and so does anything with channel data, a value, a
 *   speak text or its own attachment layout next to other cards. Elsewhere (Messenger, whose
 *   rendering already splits long texts and cards) messages leave one by one, unchanged.
 * - **Typing** is sent only when the turn is actually slow: a typing indicator asked for starts a
 *   timer (`typingDelayMs`, default 300 ms); it goes out when the turn is still running then, and
 *   is dropped when the turn ended first.
 * - Other activities (events, traces) keep their place in the order and are never merged.
 *
 * It sits innermost: registered by the bot after every middleware, so the middlewares'
 * `onSendActivities` handlers (hand-off transcript, fair use, Messenger rendering) still see each
 * message as the dialog said it; the coalesced activities go straight to the adapter, which is
 * where `TurnContext.sendActivities` would have sent them.
 */
import { ActivityTypes, DeliveryModes, TurnContext, type Activity, type Attachment, type ResourceResponse } from 'botbuilder';

/** Channels that show a message's text, its attachments and its suggested actions together. */
const COALESCING_CHANNELS = new Set(['directline', 'webchat', 'emulator', 'msteams']);

export function coalescesMessages(channelId: string | undefined): boolean {
  return !!channelId && COALESCING_CHANNELS.has(channelId);
}

export interface TurnOutboxOptions {
  /** How long a turn may run after asking for a typing indicator before it is shown. Default 300. */
  typingDelayMs?: number;
  /** Where a failed typing indicator or event is reported (they never fail the turn). */
  onSendError?: (err: unknown, activity: Partial<Activity>) => void;
}

type Outgoing = Partial<Activity>;

const isMessage = (a: Outgoing) => (a.type ?? ActivityTypes.Message) === ActivityTypes.Message;

function mergeable(a: Outgoing): boolean {
  return isMessage(a) && a.channelData === undefined && a.value === undefined && a.speak === undefined && (a.textFormat ?? 'markdown') === 'markdown';
}

/** True when `next` can join `group` (the coalesced message so far). */
function joins(group: Outgoing, next: Outgoing): boolean {
  if (!mergeable(group) || !mergeable(next)) return false;
  if (group.suggestedActions?.actions?.length) return false;
  if (group.locale !== next.locale) return false;
  // Two sets of cards share one layout only when neither asked for one (a carousel stays alone).
  if (group.attachments?.length && next.attachments?.length && (group.attachmentLayout || next.attachmentLayout)) return false;
  return true;
}

function merge(group: Outgoing, next: Outgoing): Outgoing {
  const texts = [group.text, next.text].filter((t): t is string => !!t);
  const attachments: Attachment[] = [...(group.attachments ?? []), ...(next.attachments ?? [])];
  const out: Outgoing = { ...group, ...next };
  out.text = texts.length ? texts.join('\n\n') : undefined;
  if (attachments.length) out.attachments = attachments;
  else delete out.attachments;
  if (!out.text) delete out.text;
  const layout = next.attachmentLayout ?? group.attachmentLayout;
  if (layout) out.attachmentLayout = layout;
  return out;
}

/** Coalesces consecutive messages of one turn (see the module comment). Pure; exported for tests. */
export function coalesce(activities: Outgoing[]): Outgoing[] {
  const out: Outgoing[] = [];
  for (const a of activities) {
    const last = out[out.length - 1];
    if (last && joins(last, a)) out[out.length - 1] = merge(last, a);
    else out.push(a);
  }
  return out;
}

/**
 * Holds one turn's outgoing activities. `open()` at the start of the bot's turn, `flush()` when
 * the bot's logic (including its error answer) is over; `flush()` also stops a pending typing timer.
 */
export class TurnOutbox {
  private held: Outgoing[] = [];
  private typingTimer?: NodeJS.Timeout;
  private open_ = true;
  private readonly coalescing: boolean;

  private constructor(
    private readonly context: TurnContext,
    private readonly options: TurnOutboxOptions,
  ) {
    this.coalescing = coalescesMessages(context.activity.channelId);
  }

  /** Starts holding `context`'s sends of this turn. */
  static open(context: TurnContext, options: TurnOutboxOptions = {}): TurnOutbox {
    const outbox = new TurnOutbox(context, options);
    // `expectReplies` turns are answered from TurnContext's own buffer: left alone.
    if (context.activity.deliveryMode === DeliveryModes.ExpectReplies) outbox.open_ = false;
    context.onSendActivities(async (ctx, activities, next) => {
      if (!outbox.open_) return next();
      const responses: ResourceResponse[] = [];
      for (const a of activities) {
        if (a.type === ActivityTypes.Typing) outbox.typingAsked();
        else outbox.held.push(a);
        responses.push({ id: '' });
      }
      if (activities.some((a) => a.type !== ActivityTypes.Typing && a.type !== ActivityTypes.Trace)) ctx.responded = true;
      return responses;
    });
    return outbox;
  }

  private typingAsked(): void {
    if (this.typingTimer || !this.open_) return;
    this.typingTimer = setTimeout(() => {
      if (!this.open_) return;
      const typing = TurnContext.applyConversationReference({ type: ActivityTypes.Typing }, TurnContext.getConversationReference(this.context.activity));
      this.direct([typing]).catch((err: unknown) => this.options.onSendError?.(err, typing));
    }, this.options.typingDelayMs ?? 300);
    this.typingTimer.unref?.();
  }

  /**
   * Sends activities the middlewares' handlers already saw (with the turn's conversation reference
   * applied by `TurnContext.sendActivities`) to the adapter, as `TurnContext` would have.
   */
  private async direct(activities: Outgoing[]): Promise<ResourceResponse[]> {
    return this.context.adapter.sendActivities(this.context, activities);
  }

  /**
   * Sends what the turn said, coalesced where the channel allows. Messages fail the turn when they
   * cannot be sent (as a direct send would have); events and traces are sent best-effort.
   */
  async flush(): Promise<void> {
    clearTimeout(this.typingTimer);
    const held = this.held;
    this.held = [];
    const groups = this.coalescing ? coalesce(held) : held;
    let failure: unknown;
    for (let i = 0; i < groups.length; ) {
      // Consecutive messages leave in one adapter call; other activities one by one.
      let j = i + 1;
      if (isMessage(groups[i] as Outgoing)) while (j < groups.length && isMessage(groups[j] as Outgoing)) j++;
      const batch = groups.slice(i, j);
      i = j;
      try {
        await this.direct(batch);
      } catch (err) {
        if (isMessage(batch[0] as Outgoing)) failure ??= err;
        else this.options.onSendError?.(err, batch[0] as Outgoing);
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Stops holding: later sends of this context go out directly. */
  close(): void {
    this.open_ = false;
    clearTimeout(this.typingTimer);
  }
}
