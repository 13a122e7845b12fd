/**
 * The framework's ceiling for `npm run bench`: the smallest bot on LockerDesk's server stack
 * (botbuilder CloudAdapter + restify, the same body limit and JSON parser), which answers every
 * message with one text activity and keeps no state.
 *
 *   node dist/scripts/bench-echo-bot.js <port>
 *
 * The server around it is `scripts/benchBotServer.ts`. Not part of the application.
 */
import { ActivityHandler } from 'botbuilder';
import { serveBenchBot } from './benchBotServer';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`You said: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

serveBenchBot('echo bot', process.argv.slice(2), new EchoBot());
