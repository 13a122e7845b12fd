/** DirectLineStreams on a plain HTTP server: the race between the backlog read and live appends. */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { WebSocket } from 'ws';
import { DirectLineKeys, DirectLineTokens } from '../../../../bots/channels/directline/auth';
import { OriginPolicy } from '../../../../bots/channels/directline/origins';
import type { ClientActivity } from '../../../../bots/channels/directline/shaping';
import { InMemoryDirectLineStore, type DirectLineStore } from '../../../../bots/channels/directline/store';
import { DirectLineStreams } from '../../../../bots/channels/directline/streams';
import { silent } from './harness';

/** Delegates to the in-memory store, but answers backlog reads only after `delayMs`. */
class SlowBacklogStore extends InMemoryDirectLineStore {
  onBacklogRead: () => Promise<void> = async () => undefined;
  override async getActivities(conversationId: string, after: number) {
    await this.onBacklogRead();
    return super.getActivities(conversationId, after);
  }
}

function message(conversationId: string, text: string): Omit<ClientActivity, 'id'> {
  return { type: 'message', text, timestamp: new Date().toISOString(), channelId: 'directline', conversation: { id: conversationId }, from: { id: 'bot', role: 'bot' } };
}

describe('DirectLineStreams', () => {
  let server: Server;
  let store: SlowBacklogStore;
  let streams: DirectLineStreams;
  let port: number;
  const tokens = new DirectLineTokens(new DirectLineKeys('s'.repeat(32)).token, 600, 3600);
  const origins = new OriginPolicy({ allowedOrigins: [], listeningPort: () => port });
  const open = async (claims: { conv: string }) => (await store.getConversation(claims.conv)) !== undefined;

  beforeEach(async () => {
    store = new SlowBacklogStore({ idleTimeoutMs: 5000, sweepIntervalMs: 60_000 });
    server = createServer((_req, res) => res.end());
    streams = new DirectLineStreams({ store: store as DirectLineStore, tokens, origins, open, basePath: '/dl', heartbeatMs: 60_000, maxSocketsPerConversation: 2, logger: silent });
    streams.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    streams.close();
    await store.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const connect = (conversationId: string, watermark?: number) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/dl/conversations/${conversationId}/stream?${watermark !== undefined ? `watermark=${watermark}&` : ''}t=${tokens.issue(conversationId, 'dl_u')}`);
    const texts: string[] = [];
    const marks: string[] = [];
    ws.on('message', (d) => {
      const frame = JSON.parse(d.toString()) as { activities: { text: string }[]; watermark?: string };
      texts.push(...frame.activities.map((a) => a.text));
      if (frame.watermark) marks.push(frame.watermark);
    });
    const closed = new Promise<string>((r) => ws.on('close', (_c, reason) => r(reason.toString())));
    return { ws, texts, marks, closed };
  };

  test('an activity logged while the backlog is being read is delivered exactly once, in order', async () => {
    const now = Date.now();
    await store.createConversation({ id: 'conv1', userId: 'dl_u', started: true, createdAt: now, lastActiveAt: now });
    await store.appendActivity('conv1', message('conv1', 'old 1'), false);
    await store.appendActivity('conv1', message('conv1', 'old 2'), false);
    store.onBacklogRead = async () => {
      store.onBacklogRead = async () => undefined;
      await store.appendActivity('conv1', message('conv1', 'during'), false);
      await new Promise((r) => setTimeout(r, 50));
    };
    const c = connect('conv1', 1);
    await new Promise((r) => setTimeout(r, 300));
    await store.appendActivity('conv1', message('conv1', 'after'), false);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.texts).toEqual(['old 2', 'during', 'after']);
    expect(c.marks).toEqual(['3', '4']);
    c.ws.close();
  });

  test('beyond the socket cap the oldest is closed with "collision"; a forgotten conversation closes its sockets', async () => {
    const now = Date.now();
    await store.createConversation({ id: 'conv2', userId: 'dl_u', started: true, createdAt: now, lastActiveAt: now - 10_000 });
    const a = connect('conv2');
    await new Promise((r) => a.ws.on('open', r));
    const b = connect('conv2');
    await new Promise((r) => b.ws.on('open', r));
    const c = connect('conv2');
    await new Promise((r) => c.ws.on('open', r));
    expect(await a.closed).toBe('collision');
    expect(streams.openSockets).toBe(2);
    expect(store.sweep()).toEqual(['conv2']);
    expect(await b.closed).toBe('conversation ended');
    expect(await c.closed).toBe('conversation ended');
    expect(streams.openSockets).toBe(0);
  });

  test('heartbeat: a client that stops answering pings is dropped, a live one stays', async () => {
    streams.close();
    streams = new DirectLineStreams({ store, tokens, origins, open, basePath: '/dl', heartbeatMs: 50, maxSocketsPerConversation: 4, logger: silent });
    streams.attach(server);
    const now = Date.now();
    await store.createConversation({ id: 'conv3', userId: 'dl_u', started: true, createdAt: now, lastActiveAt: now });
    const url = `ws://127.0.0.1:${port}/dl/conversations/conv3/stream?t=${tokens.issue('conv3', 'dl_u')}`;
    const deaf = new WebSocket(url, { autoPong: false });
    const live = new WebSocket(url);
    const deafClosed = new Promise<void>((r) => deaf.on('close', () => r()));
    await Promise.all([new Promise((r) => deaf.on('open', r)), new Promise((r) => live.on('open', r))]);
    await deafClosed;
    await new Promise((r) => setTimeout(r, 200));
    expect(live.readyState).toBe(WebSocket.OPEN);
    expect(streams.openSockets).toBe(1);
    live.close();
  });
});
