import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import type { DeliverToBot } from './directLineEndpoint';

/**
 * Runs each Direct Line activity through the real CloudAdapter pipeline (middleware, `onTurnError`,
 * the bot's logic) without a network hop in: `processActivityDirect` with an empty Authorization
 * header, which botbuilder accepts when no MicrosoftAppId is configured (authentication disabled).
 * Replies leave through botbuilder's ConnectorClient to the activity's `serviceUrl`, i.e. the
 * endpoint's connector routes.
 *
 * With a MicrosoftAppId configured, botbuilder rejects the unauthenticated activity; use Azure's
 * Direct Line (see `registerTokenExchange`) in that setup.
 */
export function cloudAdapterDelivery(adapter: CloudAdapter, logic: (context: TurnContext) => Promise<void>): DeliverToBot {
  return (activity: Activity) => adapter.processActivityDirect('', activity, logic);
}
