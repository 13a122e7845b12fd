/**
 * A local stand-in for a channel's Bot Connector service (what Emulator does): the bot's replies
 * to activities whose `serviceUrl` points here are recorded, so tests can talk to a real bot
 * server over `/api/messages` without Azure.
 */
import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';
import { randomUUID } from 'crypto';

export interface ChannelActivity {
  type: string;
  text?: string;
  conversation?: { id: string };
  suggestedActions?: { actions: { title: string; value?: unknown }[] };
  attachments?: { contentType: string; content?: unknown }[];
  channelData?: unknown;
  [key: string]: unknown;
}

export interface ChannelStandIn {
  url: string;
  received: ChannelActivity[];
  /** Resolves with the replies received for `conversationId` once `predicate` holds (bounded). */
  waitFor(predicate: (all: ChannelActivity[]) => boolean, timeoutMs?: number): Promise<ChannelActivity[]>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startChannelStandIn(): Promise<ChannelStandIn> {
  const received: ChannelActivity[] = [];
  const server: Server = createServer(async (req, res) => {
    if (req.method === 'POST' && /\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
      received.push(JSON.parse(await body(req)) as ChannelActivity);
      res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: randomUUID() }));
      return;
    }
    res.writeHead(404);
        res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    async waitFor(predicate, timeoutMs = 10000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > until) throw new Error(`ChannelStandIn.waitFor(): timed out; received:\n${received.map((a) => `${a.type}: ${a.text ?? ''}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Builds an activity as a channel would post it to `/api/messages`. */
export function channelActivity(standIn: ChannelStandIn, conversationId: string, activity: Record<string, unknown>): Record<string, unknown> {
  return {
    channelId: 'emulator',
    serviceUrl: standIn.url,
    conversation: { id: conversationId },
    from: { id: `user-${conversationId}`, name: 'Customer', role: 'user' },
    recipient: { id: 'lockerdesk', name: 'LockerDesk', role: 'bot' },
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    ...activity,
  };
}
