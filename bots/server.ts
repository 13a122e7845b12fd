/**
 * The restify server: the Bot Framework messaging endpoint plus health. Channels (Direct Line,
 * Messenger), the agent console and web pages register their own routes on the returned server.
 */
import * as restify from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import type { Logger } from '../services/logging/logger';

export interface ServerDeps {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  /** Largest accepted JSON body on /api/messages. */
  maxBodyBytes?: number;
}

export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'lockerdesk', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));

  const jsonBody = restify.plugins.jsonBodyParser({ mapParams: false });
  const bodyLimit = restify.plugins.bodyReader({ maxBodySize: deps.maxBodyBytes ?? 256 * 1024 });

  server.post('/api/messages', bodyLimit, jsonBody, async (req: restify.Request, res: restify.Response) => {
    const body = req.body as { type?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.type !== 'string') {
      res.send(400, { error: { code: 'BadArgument', message: 'expected a Bot Framework activity with a "type"' } });
      return;
    }
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });

  server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.send(200, { status: 'ok' });
    return next();
  });

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
    if ((err.statusCode ?? 500) >= 500) deps.logger.error({ err, url: req.url }, 'HTTP error');
    return callback();
  });
  return server;
}
