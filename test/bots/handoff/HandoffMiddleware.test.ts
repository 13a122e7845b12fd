/**
 * The hand-off middleware's transcript of a bot turn: the bot's replies are recorded beside the
 * rest of the turn, and the turn ends only when every reply of it is written — including what an
 * outer middleware sends after the bot's turn (fair use's calm note, an error answer).
 */
import { ActivityTypes, TestAdapter, type TurnContext } from 'botbuilder';
import { HandoffMiddleware } from '../../../bots/handoff/HandoffMiddleware';
import type { CustomerSide, IncomingEntry } from '../../../services/handoff/CustomerSide';
import { createMessages } from '../../../services/i18n/messages';
import { createLogger } from '../../../services/logging/logger';

/** The customer side a bot-phase turn uses, with writes that take a while (as with Redis a network hop away). */
function slowCustomers(written: string[]): CustomerSide {
  const side = {
    recordCustomerActivity: async () => undefined,
    ownership: async () => ({ state: 'bot' as const }),
    record: async (_conversationId: string, _channel: string, entry: IncomingEntry) => {
      await new Promise((r) => setTimeout(r, 30));
      written.push(`${entry.from}: ${entry.text}`);
    },
  };
  return side as unknown as CustomerSide;
}

test("every reply of the turn is in the transcript when the turn ends, also one an outer middleware sends after the bot's turn", async () => {
  const written: string[] = [];
  const adapter = new TestAdapter();
  adapter.use({
    // Sends after the inner turn, as fair use sends its calm note.
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      await next();
      await context.sendActivity('calm note');
    },
  });
  adapter.use(new HandoffMiddleware({ customers: slowCustomers(written), messages: createMessages(), logger: createLogger('silent') }));
  const activity = { type: ActivityTypes.Message, text: 'labas', channelId: 'test', conversation: { id: 'c1', name: 'c1', isGroup: false, conversationType: 'personal' }, from: { id: 'u1', name: 'Customer' }, recipient: { id: 'bot', name: 'LockerDesk' }, serviceUrl: 'https://test.invalid' };
  await adapter.processActivity(activity, async (context) => {
    await context.sendActivity('first reply');
    await context.sendActivity('second reply');
  });
  expect(written).toEqual(['customer: labas', 'bot: first reply', 'bot: second reply', 'bot: calm note']);
});
