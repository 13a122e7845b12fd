/**
 * A real restify server on 127.0.0.1:0 with the embedded Direct Line, its token route, and a tiny
 * echo bot run by a real `DirectLineCloudAdapter` without app id; `/api/messages` is mounted too
 * (as the bot server does), so tests can try to reach Direct Line conversations through it.
 */
import type { AddressInfo } from 'net';
import * as restify from 'restify';
import {
  ActivityHandler,
  ConfigurationBotFrameworkAuthentication,
  EventFactory,
  TurnContext,
  type ConversationReference,
  type Middleware,
} from 'botbuilder';
import {
  ConversationQuota,
  DirectLineCloudAdapter,
  DirectLineKeys,
  VisitorIds,
  registerDirectLine,
  registerTokenExchange,
  serverOrigins,
  type ConversationQuotaOptions,
  type DirectLineEndpoint,
  type DirectLineOptions,
  type TokenExchangeReply,
} from '../../../../bots/channels/directline';
import { clientAddressResolver } from '../../../../bots/http/clientAddress';
import { createLogger } from '../../../../services/logging/logger';
import { createMessages } from '../../../../services/i18n/messages';

export const silent = createLogger('silent');

/**
 * Welcomes the user on conversationUpdate, echoes messages, answers events, remembers references.
 * "handoff" answers with the events and data a hand-off produces (a conversation reference in
 * `relatesTo`, a reference in channel data and value); "boom" fails; "slow" takes 1.5 s.
 */
export class EchoBot extends ActivityHandler {
  readonly references = new Map<string, Partial<ConversationReference>>();
  readonly seen: { type: string; locale?: string; channelId: string; fromId: string; text?: string; name?: string; serviceUrl?: string }[] = [];

  constructor() {
    super();
    this.onTurn(async (ctx, next) => {
      const a = ctx.activity;
      this.seen.push({ type: a.type, locale: a.locale, channelId: a.channelId, fromId: a.from.id, text: a.text, name: a.name, serviceUrl: a.serviceUrl });
      this.references.set(a.conversation.id, TurnContext.getConversationReference(a));
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      for (const m of ctx.activity.membersAdded ?? []) {
        if (m.id !== ctx.activity.recipient.id) await ctx.sendActivity(`welcome ${m.id} (${ctx.activity.locale ?? 'no locale'})`);
      }
      await next();
    });
    this.onMessage(async (ctx, next) => {
      const text = ctx.activity.text ?? '';
      if (text === 'boom') throw new Error('EchoBot: asked to fail at /secret/path/bot.ts:42');
      if (text === 'slow') await new Promise((r) => setTimeout(r, 1500));
      if (text === 'handoff') {
        const reference = TurnContext.getConversationReference(ctx.activity);
        await ctx.sendActivity(EventFactory.createHandoffInitiation(ctx, { caseId: 'C-1', position: 1 }));
        await ctx.sendActivity({ type: 'message', text: 'case opened', channelData: { reference, serviceUrl: ctx.activity.serviceUrl }, value: { nested: { reference }, serviceUrl: ctx.activity.serviceUrl, relatesTo: 'x' } });
        await ctx.sendActivity({ type: 'message', text: 'card', attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { title: 'T', relatesTo: reference } }], entities: [{ type: 'x', conversationReference: reference }] });
      }
      const files = (ctx.activity.attachments ?? []).map((a) => `${a.name}:${a.contentType}`).join(',');
      await ctx.sendActivity(files ? `got files ${files}` : `echo: ${text}`);
      await next();
    });
    this.onEvent(async (ctx, next) => {
      await ctx.sendActivity(`event ${ctx.activity.name} ${ctx.activity.locale ?? ''}`.trim());
      await next();
    });
  }
}

export interface HarnessOptions extends Partial<Omit<DirectLineOptions, 'adapter' | 'logic' | 'logger' | 'origins'>> {
  quota?: ConversationQuotaOptions;
  allowedOrigins?: string[];
  publicUrl?: string;
  /** `TRUSTED_PROXIES`: peers whose X-Forwarded-For the quotas and the bot's turns believe. Default none. */
  trustedProxies?: string[];
  /** Adapter middleware, in order (e.g. one that answers without calling next, like the hand-off middleware). */
  middleware?: Middleware[];
}

export interface Harness {
  origin: string;
  domain: string;
  server: restify.Server;
  adapter: DirectLineCloudAdapter;
  bot: EchoBot;
  endpoint: DirectLineEndpoint;
  keys: DirectLineKeys;
  /** What the widget does: POST /api/directline/token from the page's origin. */
  token(body?: object, headers?: Record<string, string>): Promise<TokenExchangeReply>;
  /** Sends a proactive message the way the hand-off relay does: continueConversationAsync with a stored reference. */
  proactive(conversationId: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { quota, allowedOrigins, publicUrl, middleware, trustedProxies, ...dl } = options;
  const clientAddress = clientAddressResolver(trustedProxies ?? []);
  const server = restify.createServer({ name: 'directline-test', handleUncaughtExceptions: false });
  const adapter = new DirectLineCloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (ctx) => {
    // A turn that may not write (an activity posted to /api/messages with the embedded serviceUrl) cannot apologise either.
    await ctx.sendActivity('sorry, something went wrong').catch(() => undefined);
  };
  for (const m of middleware ?? []) adapter.use(m);
  const bot = new EchoBot();
  const keys = dl.keys ?? new DirectLineKeys('test-key-'.repeat(4));
  const origins = serverOrigins(server, { allowedOrigins: allowedOrigins ?? [], publicUrl });
  const endpoint = registerDirectLine(server, { adapter, logic: (ctx) => bot.run(ctx), logger: silent, messages: createMessages(), origins, clientAddress, ...dl, keys });
  registerTokenExchange(server, { origins, visitors: new VisitorIds(keys.visitor), quota: new ConversationQuota(quota ?? { perClient: { points: 10_000, seconds: 60 } }), embedded: endpoint, clientAddress, logger: silent });
  server.post('/api/messages', restify.plugins.bodyParser(), async (req: restify.Request, res: restify.Response) => {
    await adapter.process(req, res, (ctx) => bot.run(ctx));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    domain: `${origin}/v3/directline`,
    server,
    adapter,
    bot,
    endpoint,
    keys,
    async token(body = {}, headers = {}) {
      const res = await fetch(`${origin}/api/directline/token`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`token route answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as TokenExchangeReply;
    },
    async proactive(conversationId, text) {
      const reference = bot.references.get(conversationId);
      if (!reference) throw new Error(`harness.proactive(): no reference for ${conversationId}`);
      await adapter.continueConversationAsync('', reference, async (ctx) => {
        await ctx.sendActivity(text);
      });
    },
    async close() {
      await endpoint.close();
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when `predicate` holds, polling every 20 ms; rejects after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error(`waitFor(): timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
