/**
 * botframework-directlinejs (the library inside Web Chat) against the embedded endpoint on a real
 * restify server, with an echo bot run by a real CloudAdapter (no app id).
 */
import { WebSocket as NodeWebSocket } from 'ws';
import { ConnectionStatus, DirectLine, type Activity, type Message } from 'botframework-directlinejs';
import type { Subscription } from 'rxjs/Subscription';
import type { Observable } from 'rxjs/Observable';
import { FetchXMLHttpRequest } from './xhrShim';
import { startHarness, waitFor, type Harness } from './harness';

Object.assign(globalThis, { XMLHttpRequest: FetchXMLHttpRequest, WebSocket: NodeWebSocket });

interface TokenReply {
  conversationId: string;
  token: string;
  expires_in: number;
}

/** What the widget does before it creates its DirectLine: the token route. */
async function generateToken(h: Harness): Promise<TokenReply & { userId: string }> {
  return h.token();
}

function first<T>(o: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const sub = o.subscribe(
      (v) => {
        resolve(v);
        setImmediate(() => sub.unsubscribe());
      },
      reject,
    );
  });
}

class Client {
  readonly received: Activity[] = [];
  readonly statuses: ConnectionStatus[] = [];
  private readonly subs: Subscription[] = [];

  constructor(readonly dl: DirectLine) {
    this.subs.push(dl.activity$.subscribe((a) => this.received.push(a)));
    this.subs.push(dl.connectionStatus$.subscribe((s) => this.statuses.push(s)));
  }

  texts(): string[] {
    return this.received.filter((a): a is Message => a.type === 'message').map((a) => `${a.from.role ?? a.from.id}:${a.text}`);
  }

  count(text: string): number {
    return this.received.filter((a) => a.type === 'message' && (a as Message).text === text).length;
  }

  async send(text: string, userId = 'ignored'): Promise<string> {
    return first(this.dl.postActivity({ type: 'message', from: { id: userId }, text }));
  }

  stop(): void {
    this.dl.end();
    for (const s of this.subs) s.unsubscribe();
  }
}

describe('botframework-directlinejs against the embedded Direct Line', () => {
  let h: Harness;
  const clients: Client[] = [];
  const client = (dl: DirectLine): Client => {
    const c = new Client(dl);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stop();
    await h.close();
  });

  test('WebSocket: welcome on conversationUpdate, messages both ways, events with locale', async () => {
    const tokenReply = await generateToken(h);
    const alice = tokenReply.userId;
    const c = client(new DirectLine({ domain: h.domain, token: tokenReply.token, conversationStartProperties: { locale: 'lt-LT' } }));

    await waitFor(() => c.count(`welcome ${alice} (lt-LT)`) === 1, 5000, 'welcome');
    expect(c.statuses).toContain(ConnectionStatus.Online);

    const id = await c.send('labas');
    expect(id).toMatch(new RegExp(`^${tokenReply.conversationId}\\|\\d+$`));
    await waitFor(() => c.count('echo: labas') === 1, 5000, 'echo');
    const mine = c.received.find((a) => a.id === id) as Message;
    expect(mine).toMatchObject({ type: 'message', text: 'labas', from: { id: alice, role: 'user' }, channelId: 'directline' });

    await first(c.dl.postActivity({ type: 'event', name: 'webchat/join', value: { language: 'ru-RU' }, from: { id: 'x' }, locale: 'ru-RU' } as Activity));
    await waitFor(() => c.count('event webchat/join ru-RU') === 1, 5000, 'event reply');

    const seen = h.bot.seen.filter((s) => s.type === 'conversationUpdate');
    expect(seen).toEqual([
      { type: 'conversationUpdate', locale: 'lt-LT', channelId: 'directline', fromId: alice, text: undefined, name: undefined, serviceUrl: 'https://directline.lockerdesk.invalid/' },
    ]);
    expect(h.bot.seen.map((s) => s.type)).toEqual(['conversationUpdate', 'message', 'event']);
    expect(c.received.some((a) => String(a.type) === 'conversationUpdate')).toBe(false);
  });

  test('polling (webSocket: false): messages both ways, each exactly once', async () => {
    const { token } = await generateToken(h);
    const c = client(new DirectLine({ domain: h.domain, token, webSocket: false, pollingInterval: 200 }));
    await waitFor(() => c.texts().some((t) => t.startsWith('bot:welcome dl_')), 5000, 'welcome');
    await c.send('sveiki');
    await waitFor(() => c.count('echo: sveiki') === 1, 5000, 'echo');
    await c.send('antras');
    await waitFor(() => c.count('echo: antras') === 1, 5000, 'second echo');
    await new Promise((r) => setTimeout(r, 500));
    expect(c.count('echo: sveiki')).toBe(1);
    expect(c.count('sveiki')).toBe(1);
  });

  test('WebSocket drop: a proactive message sent while disconnected arrives exactly once after the reconnect', async () => {
    const { token, conversationId } = await generateToken(h);
    const c = client(new DirectLine({ domain: h.domain, token, random: () => 0 }));
    await waitFor(() => c.texts().some((t) => t.startsWith('bot:welcome')), 5000, 'welcome');
    await c.send('one');
    await waitFor(() => c.count('echo: one') === 1, 5000, 'echo one');
    await waitFor(() => h.endpoint.streams.openSockets === 1, 2000, 'socket open');

    expect(h.endpoint.streams.drop(conversationId)).toBe(1);
    await waitFor(() => h.endpoint.streams.openSockets === 0, 2000, 'socket closed');
    await h.proactive(conversationId, 'your parcel has arrived');

    await waitFor(() => c.count('your parcel has arrived') === 1, 10000, 'proactive after reconnect');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.count('your parcel has arrived')).toBe(1);
    expect(c.count('echo: one')).toBe(1);
    expect(c.texts().filter((t) => t.startsWith('bot:welcome'))).toHaveLength(1);
  }, 20000);

  test('page reload: a new client with conversationId and watermark gets only what it missed', async () => {
    const { token, conversationId } = await generateToken(h);
    const a = client(new DirectLine({ domain: h.domain, token }));
    await waitFor(() => a.texts().some((t) => t.startsWith('bot:welcome')), 5000, 'welcome');
    await a.send('before');
    await waitFor(() => a.count('echo: before') === 1, 5000, 'echo');
    const watermark = String(Reflect.get(a.dl, 'watermark'));
    expect(Number(watermark)).toBeGreaterThanOrEqual(3);
    a.stop();
    await waitFor(() => h.endpoint.streams.openSockets === 0, 2000, 'socket closed');

    await h.proactive(conversationId, 'missed while away');

    const b = client(new DirectLine({ domain: h.domain, token, conversationId, watermark }));
    await waitFor(() => b.count('missed while away') === 1, 5000, 'missed message');
    await new Promise((r) => setTimeout(r, 300));
    expect(b.texts()).toEqual(['bot:missed while away']);
    expect(h.bot.seen.filter((s) => s.type === 'conversationUpdate')).toHaveLength(1);
  });

  test('token refresh through the client keeps the conversation; an expired token turns the status to ExpiredToken', async () => {
    await h.close();
    h = await startHarness({ tokenTtlSeconds: 2 });
    const { token, conversationId } = await generateToken(h);
    const c = client(new DirectLine({ domain: h.domain, token, webSocket: false, pollingInterval: 200 }));
    await waitFor(() => c.texts().some((t) => t.startsWith('bot:welcome')), 5000, 'welcome');

    const refresh = Reflect.get(c.dl, 'refreshToken') as () => Observable<string>;
    const fresh = await first(refresh.call(c.dl));
    expect(fresh).not.toBe(token);
    const check = await fetch(`${h.domain}/conversations/${conversationId}/activities`, { headers: { Authorization: `Bearer ${fresh}` } });
    expect(check.status).toBe(200);

    await waitFor(() => c.statuses.includes(ConnectionStatus.ExpiredToken), 6000, 'ExpiredToken status');
  }, 15000);

  test('attachments are uploaded, reach the bot and are served back', async () => {
    const { token } = await generateToken(h);
    const c = client(new DirectLine({ domain: h.domain, token }));
    await waitFor(() => c.texts().some((t) => t.startsWith('bot:welcome')), 5000, 'welcome');
    const bytes = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await first(
      c.dl.postActivity({
        type: 'message',
        from: { id: 'x' },
        text: '',
        attachments: [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${bytes.toString('base64')}`, name: 'receipt.png' }],
      }),
    );
    await waitFor(() => c.count('got files receipt.png:image/png') === 1, 5000, 'bot saw the file');
    const echoed = c.received.find((a) => a.type === 'message' && (a as Message).attachments?.length) as Message;
    const attachment = echoed.attachments?.[0];
    const url = attachment && 'contentUrl' in attachment ? attachment.contentUrl : '';
    expect(url.startsWith(`${h.domain}/attachments/`)).toBe(true);
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
