/**
 * The framework's ceiling for `npm run bench`: the smallest bot on LockerDesk's server stack
 * (botbuilder CloudAdapter + restify, the same body limit and JSON parser), which answers every
 * message with one text activity and keeps no state.
 *
 *   node dist/scripts/bench-echo-bot.js <port>
 *
 * The port comes from the command line (only services/config.ts reads the environment). Serves
 * `/api/messages` and `/healthz` on 127.0.0.1. Not part of the application.
 */
import * as restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`You said: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

function main(argv: string[]): void {
  const port = Number(argv[0] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bench-echo-bot: bad port "${argv[0]}"`);
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new EchoBot();
  const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  const bodyLimit = restify.plugins.bodyReader({ maxBodySize: 256 * 1024 });
  const jsonBody = restify.plugins.jsonBodyParser({ mapParams: false });
  server.post('/api/messages', bodyLimit, jsonBody, async (req: restify.Request, res: restify.Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.send(200, { status: 'ok' });
    return next();
  });
  server.listen(port, '127.0.0.1', () => process.stdout.write(`echo bot listening on ${port}\n`));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2));
