/**
 * In-process delivery between the embedded Direct Line and the bot, both ways, with no HTTP hop
 * and no connector route anyone could reach:
 *
 * - **in**: each client activity runs as a turn of the real CloudAdapter pipeline (middleware,
 *   `onTurnError`, the bot) through `processActivityDirect` — anonymous, which botbuilder accepts
 *   when no MicrosoftAppId is configured — with `serviceUrl` set to
 *   {@link EMBEDDED_DIRECT_LINE_SERVICE_URL}, a fixed, non-routable marker (no port, no key), so a
 *   stored conversation reference means the same thing in every process;
 * - **out**: {@link DirectLineCloudAdapter} writes what the bot sends into conversations with that
 *   marker straight into the Direct Line store, in replies and in proactive turns
 *   (`continueConversationAsync`, which the hand-off outbox uses for agent replies) alike.
 *
 * Why an adapter and not a middleware: botbuilder runs `onSendActivities` handlers in the order the
 * middlewares registered them, and the adapter's `sendActivities` last. A middleware's handler
 * that should write into the store must be the innermost (so the hand-off transcript recorder and
 * the other handlers still see every reply), i.e. registered last — but a middleware registered
 * last never runs when an earlier one answers on its own (the hand-off middleware acknowledging a
 * queued customer does), and that reply would go out to the connector. `sendActivities` is the one
 * place every send of every turn passes through, after every handler (see botbuilder-core
 * `turnContext.js` `emit`, `cloudAdapterBase.js` `sendActivities` / `processProactive`).
 */
import { ActivityTypes, CloudAdapter, type Activity, type InvokeResponse, type ConversationReference, type ResourceResponse, type TurnContext } from 'botbuilder';

/** The `serviceUrl` of every embedded Direct Line conversation: `.invalid` never resolves (RFC 2606). */
export const EMBEDDED_DIRECT_LINE_SERVICE_URL = 'https://directline.lockerdesk.invalid/';

/** True for the embedded Direct Line's marker `serviceUrl` (with or without the trailing slash). */
export function isEmbeddedDirectLine(serviceUrl: string | undefined): boolean {
  return serviceUrl !== undefined && serviceUrl.replace(/\/+$/, '') === EMBEDDED_DIRECT_LINE_SERVICE_URL.replace(/\/+$/, '');
}

/** What the Direct Line knows about the HTTP request an activity came in on. */
export interface TurnOrigin {
  /** The client's address (the TCP peer, or behind a trusted proxy its forwarded address). */
  clientAddress?: string;
}

/** Hands one user-side activity to the bot and resolves when its turn is over. */
export type DeliverToBot = (activity: Activity, origin?: TurnOrigin) => Promise<void>;

/** What the embedded Direct Line takes from the bot (see `registerDirectLine`). */
export interface DirectLineBotSide {
  /** Logs a bot activity into the conversation (`recipientId`: the user it was addressed to); returns its id. */
  send(conversationId: string, activity: Partial<Activity>, recipientId: string | undefined): Promise<string>;
  /** Replaces an activity the bot sent earlier; returns its id. */
  update(conversationId: string, activity: Partial<Activity>): Promise<string>;
  /** Removes an activity from the log. */
  remove(conversationId: string, activityId: string): Promise<void>;
}

/**
 * The CloudAdapter with the embedded Direct Line's outbound side built in. Everything else
 * (`/api/messages`, Azure channels) behaves exactly as `CloudAdapter`.
 *
 * Promises: an activity is written into an embedded Direct Line conversation only from a turn
 * that the Direct Line itself started ({@link runDirectLineTurn}) or a proactive turn of this
 * process — never from an activity someone posted to `/api/messages` with the marker
 * `serviceUrl`; such a turn's sends fail.
 */
export class DirectLineCloudAdapter extends CloudAdapter {
  private sink?: DirectLineBotSide;
  private readonly trusted = new WeakSet<object>();
  private readonly addresses = new WeakMap<object, string>();

  /** Connects the Direct Line store; called once by `registerDirectLine`. */
  attachDirectLine(sink: DirectLineBotSide): void {
    this.sink = sink;
  }

  /** Runs one Direct Line client activity as a turn (anonymous: only without a MicrosoftAppId). */
  runDirectLineTurn(activity: Activity, logic: (context: TurnContext) => Promise<void>, origin: TurnOrigin = {}): Promise<void> {
    this.trusted.add(activity);
    if (origin.clientAddress) this.addresses.set(activity, origin.clientAddress);
    return this.processActivityDirect('', activity, logic);
  }

  /**
   * The address of the web visitor whose HTTP request started this turn (for per-IP limits), as
   * the embedded Direct Line saw it; `undefined` for any other turn (Messenger, `/api/messages`,
   * proactive). Nothing the client wrote into the activity decides it.
   */
  clientAddressOf(context: TurnContext): string | undefined {
    return this.addresses.get(context.activity);
  }

  /**
   * One activity posted to `/api/messages`, after the edge checks (`bots/http/server.ts`): botbuilder
   * authenticates it (the channel's JWT, or anonymous without an app id) and runs the turn.
   * Rejects with botbuilder's `AuthenticationError` (`statusCode` 401/403) or the turn's error;
   * resolves with the invoke response, if any.
   */
  processInbound(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }

  /** Proactive turns (`continueConversationAsync`) of this process may write into their conversation. */
  protected override processProactive(...args: Parameters<CloudAdapter['processProactive']>): Promise<void> {
    this.trusted.add(args[1]);
    return super.processProactive(...args);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    if (!isEmbeddedDirectLine(context.activity.serviceUrl)) return super.sendActivities(context, activities);
    const sink = this.localSink(context);
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay' || activity.type === ActivityTypes.InvokeResponse || activity.type === ActivityTypes.Trace) {
        // Nothing for the channel: botbuilder's own handling (wait, keep the invoke response, drop traces).
        responses.push(...(await super.sendActivities(context, [activity])));
        continue;
      }
      responses.push({ id: await sink.send(context.activity.conversation.id, activity, activity.recipient?.id) });
    }
    return responses;
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    if (!isEmbeddedDirectLine(context.activity.serviceUrl)) return super.updateActivity(context, activity);
    return { id: await this.localSink(context).update(context.activity.conversation.id, activity) };
  }

  override async deleteActivity(context: TurnContext, reference: Partial<ConversationReference>): Promise<void> {
    if (!isEmbeddedDirectLine(context.activity.serviceUrl)) return super.deleteActivity(context, reference);
    if (reference.activityId) await this.localSink(context).remove(context.activity.conversation.id, reference.activityId);
  }

  private localSink(context: TurnContext): DirectLineBotSide {
    if (!this.trusted.has(context.activity)) {
      throw new Error('DirectLineCloudAdapter: refusing to write into an embedded Direct Line conversation from a turn it did not start');
    }
    if (!this.sink) throw new Error('DirectLineCloudAdapter: no embedded Direct Line attached');
    return this.sink;
  }
}

/** The {@link DeliverToBot} of the embedded Direct Line: every activity a turn of `adapter` running `logic`. */
export function cloudAdapterDelivery(adapter: DirectLineCloudAdapter, logic: (context: TurnContext) => Promise<void>): DeliverToBot {
  return (activity: Activity, origin?: TurnOrigin) => adapter.runDirectLineTurn(activity, logic, origin);
}
