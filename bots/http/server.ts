/**
 * The restify server: the Bot Framework messaging endpoint plus health. Channels (Direct Line,
 * Messenger), the agent console and web pages register their own routes on the returned server.
 *
 * `/api/messages` promises (issue #8 finding 3):
 * - a body that is not an activity of the expected shape gets 400 with a generic body;
 * - with a MicrosoftAppId, botbuilder checks the channel's JWT (no valid token: 401);
 * - without one (self-hosted, Emulator, `npm run chat`), anonymous activities are accepted only
 *   from a loopback client and only with a loopback `serviceUrl` — the bot POSTs its replies
 *   there, so a remote caller could otherwise make it call any host (blind SSRF) or write any
 *   conversation's state. Anything else gets 401. `INSECURE_ANONYMOUS_ACTIVITIES` widens this to
 *   any client and any http(s) `serviceUrl`, for a test environment only (the start-up log warns);
 * - a failing turn answers 500 with a generic body; internal error text goes to the log only.
 */
import * as restify from 'restify';
import type { ActivityHandler } from 'botbuilder';
import type { DirectLineCloudAdapter } from '../channels/directline/delivery';
import type { Logger } from '../../services/logging/logger';
import { isInboundActivity } from './activitySchema';
import { isLoopbackRequest, isLoopbackUrl } from './loopback';
import { isEmbeddedDirectLine } from '../channels/directline/delivery';
import { loggableError } from '../turnErrorHandler';

/** Who may post activities without a Bot Framework token. */
export type AnonymousActivities =
  /** Nobody: a MicrosoftAppId is configured and botbuilder checks every request's token. */
  | 'none'
  /** Loopback clients with a loopback `serviceUrl` (the default without an app id). */
  | 'loopback'
  /** Anyone, any http(s) `serviceUrl` (`INSECURE_ANONYMOUS_ACTIVITIES`, test environments only). */
  | 'any';

export interface ServerDeps {
  adapter: DirectLineCloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  /** Default `loopback`. */
  anonymous?: AnonymousActivities;
  /** Largest accepted JSON body on /api/messages. */
  maxBodyBytes?: number;
}

/** Generic bodies: the caller learns the category of the problem, never internals. */
export const EDGE_ERRORS = {
  badRequest: { error: { code: 'BadArgument', message: 'expected a Bot Framework activity' } },
  unauthorized: { error: { code: 'Unauthorized', message: 'unauthorized' } },
  internal: { error: { code: 'InternalError', message: 'the activity could not be processed' } },
} as const;

function readJson(body: unknown): unknown {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createServer(deps: ServerDeps): restify.Server {
  const anonymous = deps.anonymous ?? 'loopback';
  const server = restify.createServer({ name: 'lockerdesk', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));

  const bodyLimit = restify.plugins.bodyReader({ maxBodySize: deps.maxBodyBytes ?? 256 * 1024 });

  server.post('/api/messages', bodyLimit, async (req: restify.Request, res: restify.Response) => {
    const activity = readJson(req.body);
    if (!isInboundActivity(activity)) {
      res.send(400, EDGE_ERRORS.badRequest);
      return;
    }
    const authHeader = String(req.headers.authorization ?? '');
    if (!authHeader && !anonymousAllowed(anonymous, req, activity.serviceUrl)) {
      res.send(401, EDGE_ERRORS.unauthorized);
      return;
    }
    try {
      const invoke = await deps.adapter.processInbound(authHeader, activity, (context) => deps.bot.run(context));
      if (invoke?.body !== undefined) res.send(invoke.status ?? 200, invoke.body);
      else res.send(invoke?.status ?? 200);
    } catch (err) {
      if (err instanceof Error && [401, 403].includes(Number(Reflect.get(err, 'statusCode')))) {
        // botframework-connector's AuthenticationError: a missing or invalid channel token.
        res.send(401, EDGE_ERRORS.unauthorized);
        return;
      }
      deps.logger.error({ err: loggableError(err), conversationId: activity.conversation.id, channel: activity.channelId }, 'POST /api/messages: the turn failed');
      if (!res.headersSent) res.send(500, EDGE_ERRORS.internal);
    }
  });

  server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.send(200, { status: 'ok' });
    return next();
  });

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
    if ((err.statusCode ?? 500) >= 500) deps.logger.error({ err: loggableError(err), url: req.url }, 'HTTP error');
    return callback();
  });
  return server;
}

function anonymousAllowed(policy: AnonymousActivities, req: restify.Request, serviceUrl: string): boolean {
  if (policy === 'none') return false;
  // The embedded Direct Line's marker is never a reply address for a posted activity.
  if (isEmbeddedDirectLine(serviceUrl)) return false;
  if (policy === 'any') return true;
  return isLoopbackRequest(req) && isLoopbackUrl(serviceUrl);
}
