/**
 * Real-HTTP helpers for hand-off tests: a stand-in Bot Framework channel (the `serviceUrl` the
 * bot's replies and proactive messages are POSTed to), a customer who posts activities to
 * `/api/messages`, an agent console client (cookie session, CSRF header) and an SSE reader.
 * Everything on 127.0.0.1; every wait is bounded.
 */
import { createServer, request, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';
import { randomUUID } from 'crypto';

export interface ChannelActivity {
  type: string;
  text?: string;
  name?: string;
  channelData?: Record<string, unknown>;
  value?: unknown;
  conversation?: { id: string };
  receivedAt: number;
}

/** A stand-in channel: records every activity the bot sends, per conversation. */
export interface StandInChannel {
  url: string;
  received: Map<string, ChannelActivity[]>;
  /** Messages (type message) sent to a conversation, in arrival order. */
  messages(conversationId: string): ChannelActivity[];
  /** Answer the next `n` POSTs with an error status (default 503, which the connector itself retries). */
  failNext(n: number, status?: number): void;
  waitForMessages(conversationId: string, count: number, timeoutMs?: number): Promise<ChannelActivity[]>;
  close(): Promise<void>;
}

export async function waitUntil<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startStandInChannel(): Promise<StandInChannel> {
  const received = new Map<string, ChannelActivity[]>();
  let failures = 0;
  let failStatus = 503;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const m = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (failures > 0) {
      failures -= 1;
      res.writeHead(failStatus, { 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"ChannelError"}}');
      return;
    }
    const conv = decodeURIComponent(m[1]);
    const activity = JSON.parse(body) as ChannelActivity;
    const list = received.get(conv) ?? [];
    list.push({ ...activity, receivedAt: Date.now() });
    received.set(conv, list);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: randomUUID() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const messages = (conv: string) => (received.get(conv) ?? []).filter((a) => a.type === 'message');
  return {
    url,
    received,
    messages,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    waitForMessages(conv, count, timeoutMs = 10000) {
      return waitUntil(() => (messages(conv).length >= count ? messages(conv) : undefined), timeoutMs, `${count} messages in ${conv}`);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A customer writing to the bot through `/api/messages`, as a channel would post it. */
export class Customer {
  readonly conversationId: string;

  constructor(
    private readonly botUrl: () => string,
    private readonly channel: StandInChannel,
    opts: { conversationId?: string; userId?: string; channelId?: string; locale?: string } = {},
  ) {
    this.conversationId = opts.conversationId ?? `conv-${randomUUID()}`;
    this.userId = opts.userId ?? `user-${randomUUID()}`;
    this.channelId = opts.channelId ?? 'webchat';
    this.locale = opts.locale ?? 'lt-LT';
  }

  private readonly userId: string;
  private readonly channelId: string;
  private readonly locale: string;

  /** Posts a message; resolves when the bot finished the turn (its replies are at the channel). */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<ChannelActivity[]> {
    const before = this.channel.messages(this.conversationId).length;
    const res = await fetch(`${this.botUrl()}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: this.channelId,
        serviceUrl: this.channel.url,
        from: { id: this.userId, name: 'Customer' },
        recipient: { id: 'lockerdesk', name: 'LockerDesk' },
        conversation: { id: this.conversationId },
        locale: this.locale,
        text,
        ...extra,
      }),
    });
    if (res.status >= 300) throw new Error(`POST /api/messages -> ${res.status} ${await res.text()}`);
    return this.channel.messages(this.conversationId).slice(before);
  }
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** An agent console client: cookie session and the CSRF header on POSTs. */
export class AgentClient {
  cookie?: string;

  constructor(private readonly baseUrl: () => string) {}

  async login(username: string, password: string, opts: { csrf?: boolean } = {}): Promise<ApiResponse> {
    const res = await fetch(`${this.baseUrl()}/agent/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(opts.csrf === false ? {} : { 'X-Requested-With': 'lockerdesk' }) },
      body: JSON.stringify({ username, password }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  }

  async get<T = Record<string, unknown>>(path: string): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl()}/agent/api${path}`, { headers: this.cookie ? { Cookie: this.cookie } : {} });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  }

  async post<T = Record<string, unknown>>(path: string, body: unknown = {}, opts: { csrf?: boolean } = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl()}/agent/api${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...(opts.csrf === false ? {} : { 'X-Requested-With': 'lockerdesk' }),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  }

  /** Opens the SSE stream; resolves once connected. */
  async events(): Promise<EventStream> {
    return openEventStream(`${this.baseUrl()}/agent/api/events`, this.cookie ?? '');
  }
}

export interface ConsoleEventSeen {
  type: string;
  caseId?: string;
  seq?: number;
  entry?: { from: string; text: string; delivery?: string };
  case?: Record<string, unknown>;
  receivedAt: number;
}

export interface EventStream {
  events: ConsoleEventSeen[];
  comments: number;
  waitFor(pred: (e: ConsoleEventSeen) => boolean, timeoutMs?: number, what?: string): Promise<ConsoleEventSeen>;
  close(): void;
}

export function openEventStream(url: string, cookie: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE ${url} -> ${res.statusCode}`));
        res.resume();
        return;
      }
      const stream: EventStream = {
        events: [],
        comments: 0,
        waitFor(pred, timeoutMs = 5000, what = 'an event') {
          return waitUntil(() => stream.events.find(pred), timeoutMs, what);
        },
        close() {
          req.destroy();
        },
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments += 1;
            else if (line.startsWith('data: ')) stream.events.push({ ...(JSON.parse(line.slice(6)) as ConsoleEventSeen), receivedAt: Date.now() });
          }
        }
      });
      res.on('error', () => undefined);
      resolve(stream);
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

/** The case id in a bot reply. */
export function caseIdOf(activities: ChannelActivity[]): string | undefined {
  for (const a of activities) {
    const m = /C-\d{6}-\d{4}/.exec(a.text ?? '');
    if (m) return m[0];
  }
  return undefined;
}

/**
 * One HTTP request from a chosen loopback source address (127.0.0.x), so tests can play clients
 * on different addresses against the server (which listens on every interface).
 */
export function requestFrom(
  localAddress: string,
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

/** `POST /agent/api/login` from `localAddress`. */
export async function loginFrom(baseUrl: string, localAddress: string, username: string, password: string): Promise<{ status: number; body: Record<string, unknown>; retryAfter?: string; cookie?: string }> {
  const res = await requestFrom(localAddress, `${baseUrl}/agent/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'lockerdesk' },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = res.headers['set-cookie'];
  const cookie = Array.isArray(setCookie) ? setCookie[0]?.split(';')[0] : undefined;
  const retry = res.headers['retry-after'];
  return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown>, retryAfter: typeof retry === 'string' ? retry : undefined, cookie };
}
