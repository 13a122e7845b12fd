/**
 * The server stack the bench's reference bots share with LockerDesk (`scripts/bench-echo-bot.ts`,
 * `scripts/bench-dialog-bot.ts`): botbuilder's CloudAdapter without credentials behind restify,
 * the same body limit and JSON parser as `bots/http/server.ts`, `/api/messages` and `/healthz` on
 * 127.0.0.1, stopped by SIGINT or SIGTERM. The port comes from the command line (only
 * services/config.ts reads the environment). Not part of the application.
 */
import * as restify from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ActivityHandler } from 'botbuilder';

export function serveBenchBot(name: string, argv: readonly string[], bot: ActivityHandler): void {
  const port = Number(argv[0] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}: bad port "${argv[0]}"`);
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer({ name, handleUncaughtExceptions: false });
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
  server.listen(port, '127.0.0.1', () => process.stdout.write(`${name} listening on ${port}\n`));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
