/**
 * A real restify server on 127.0.0.1:0 with the embedded Direct Line and a tiny echo bot run by a
 * real CloudAdapter without app id, for the Direct Line tests.
 */
import type { AddressInfo } from 'net';
import * as restify from 'restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type ConversationReference,
} from 'botbuilder';
import { cloudAdapterDelivery, registerDirectLine, type DirectLineEndpoint, type DirectLineOptions } from '../../../bots/directline';

/** Welcomes the user on conversationUpdate, echoes messages, answers events, remembers references. */
export class EchoBot extends ActivityHandler {
  readonly references = new Map<string, Partial<ConversationReference>>();
  readonly seen: { type: string; locale?: string; channelId: string; fromId: string; text?: string; name?: string }[] = [];

  constructor() {
    super();
    this.onTurn(async (ctx, next) => {
      const a = ctx.activity;
      this.seen.push({ type: a.type, locale: a.locale, channelId: a.channelId, fromId: a.from.id, text: a.text, name: a.name });
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
      if (text === 'boom') throw new Error('EchoBot: asked to fail');
      if (text === 'slow') await new Promise((r) => setTimeout(r, 1500));
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

export interface Harness {
  origin: string;
  domain: string;
  server: restify.Server;
  adapter: CloudAdapter;
  bot: EchoBot;
  endpoint: DirectLineEndpoint;
  /** Sends a proactive message the way application code does: continueConversationAsync with a stored reference. */
  proactive(conversationId: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<DirectLineOptions> = {}): Promise<Harness> {
  const server = restify.createServer({ name: 'directline-test' });
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new EchoBot();
  const endpoint = registerDirectLine(server, {
    deliverToBot: cloudAdapterDelivery(adapter, (ctx) => bot.run(ctx)),
    ...options,
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
