/**
 * `npm run bench:handoff [-- <cases> <messages>]`: the hand-off under load, over real HTTP on
 * loopback, against the whole application (Redis when REDIS_URL is set — under its own key
 * prefix, removed afterwards — in-process memory otherwise):
 *
 * 1. `<cases>` (default 200) customers escalate concurrently through the bot; counts the cases
 *    created and checks the queue holds exactly them;
 * 2. two agents race to claim every case; counts cases with exactly one winner (200 + 409);
 * 3. latency of `<messages>` (default 50) customer messages -> SSE event at the agent's console,
 *    and of agent replies -> arrival at the customer's channel (p50 / p95 / max).
 *
 * The channel is a local stand-in server at the conversations' `serviceUrl`. Prints figures only.
 */
import { createServer, request, type Server } from 'http';
import type { AddressInfo } from 'net';
import { randomBytes, randomUUID } from 'crypto';
import { Cluster } from 'ioredis';
import { buildApp } from '../index';
import { loadConfig } from '../services/config';
import { hashPassword } from '../services/handoff/agentAuth';
import { createLogger } from '../services/logging/logger';
import { connectRedis } from '../services/state/redisClient';

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

interface Channel {
  url: string;
  arrivals: Map<string, { text: string; at: number }[]>;
  close(): Promise<void>;
}

async function standInChannel(): Promise<Channel> {
  const arrivals = new Map<string, { text: string; at: number }[]>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const m = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
      if (m) {
        const a = JSON.parse(body) as { type: string; text?: string };
        if (a.type === 'message') {
          const conv = decodeURIComponent(m[1]);
          const list = arrivals.get(conv) ?? [];
          list.push({ text: a.text ?? '', at: performance.now() });
          arrivals.set(conv, list);
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, close: () => new Promise((r) => server.close(() => r())) };
}

async function say(botUrl: string, channelUrl: string, conv: string, user: string, text: string): Promise<void> {
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: randomUUID(),
      channelId: 'webchat',
      serviceUrl: channelUrl,
      from: { id: user },
      recipient: { id: 'lockerdesk' },
      conversation: { id: conv },
      locale: 'lt-LT',
      text,
    }),
  });
  if (res.status >= 300) throw new Error(`POST /api/messages -> ${res.status}`);
}

class Agent {
  cookie = '';
  constructor(private readonly base: string) {}
  async login(username: string, password: string): Promise<void> {
    const res = await fetch(`${this.base}/agent/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'lockerdesk' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login ${username} -> ${res.status}`);
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  }
  async post(path: string, body: unknown = {}): Promise<number> {
    const res = await fetch(`${this.base}/agent/api${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'lockerdesk', Cookie: this.cookie },
      body: JSON.stringify(body),
    });
    await res.text();
    return res.status;
  }
  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.base}/agent/api${path}`, { headers: { Cookie: this.cookie } });
    return (await res.json()) as T;
  }
  /** SSE: calls `onEvent` with each parsed event and the arrival time. */
  events(onEvent: (e: { type: string; caseId?: string; entry?: { text: string } }, at: number) => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const req = request(`${this.base}/agent/api/events`, { headers: { Cookie: this.cookie } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`events -> ${res.statusCode}`));
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now();
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            for (const line of buf.slice(0, i).split('\n')) if (line.startsWith('data: ')) onEvent(JSON.parse(line.slice(6)) as { type: string }, at);
            buf = buf.slice(i + 2);
          }
        });
        res.on('error', () => undefined);
        resolve(() => req.destroy());
      });
      req.on('error', () => undefined);
      req.end();
    });
  }
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i] as T, i);
      }
    }),
  );
}

async function main(): Promise<void> {
  const caseCount = Number(process.argv[2] ?? 200);
  const messageCount = Number(process.argv[3] ?? 50);
  const base = loadConfig();
  const prefix = `ld-bench-${randomBytes(4).toString('hex')}:`;
  const passwords = { a: randomBytes(12).toString('hex'), b: randomBytes(12).toString('hex') };
  const fast = { N: 1024, r: 8, p: 1 };
  const config = {
    ...base,
    port: 0,
    logLevel: 'error' as const,
    redis: base.redis ? { ...base.redis, prefix } : undefined,
    // A benchmark drives conversations faster than a person: the fair-use flood limits are for people.
    fairUse: { ...base.fairUse, floodBurstMessages: 1_000_000, floodMaxMessages: 1_000_000, floodMaxMessagesPerIp: 1_000_000 },
    handoff: {
      ...base.handoff,
      agents: [
        { id: 'bench-a', name: 'Bench A', role: 'agent' as const, passwordHash: await hashPassword(passwords.a, fast) },
        { id: 'bench-b', name: 'Bench B', role: 'agent' as const, passwordHash: await hashPassword(passwords.b, fast) },
      ],
      webhookUrl: undefined,
    },
  };
  console.log(`store: ${config.redis ? `Redis (${config.redis.url.replace(/\/\/[^@]*@/, '//***@')}, prefix ${prefix})` : 'in-process memory (set REDIS_URL for Redis)'}`);
  const app = await buildApp(config, { logger: createLogger('error') });
  const channel = await standInChannel();
  try {
    const a = new Agent(app.url);
    const b = new Agent(app.url);
    await a.login('bench-a', passwords.a);
    await b.login('bench-b', passwords.b);

    // 1. Concurrent escalations.
    const customers = Array.from({ length: caseCount }, (_, i) => ({ conv: `bench-conv-${i}-${randomUUID()}`, user: `bench-user-${i}-${randomUUID()}` }));
    const t1 = performance.now();
    await pool(customers, 25, async (c) => {
      for (const text of ['noriu kalbėti su žmogumi', 'praleisti', 'reikia pagalbos dėl siuntos pristatymo', 'praleisti']) await say(app.url, channel.url, c.conv, c.user, text);
    });
    const escalateMs = performance.now() - t1;
    const ids = new Set<string>();
    for (const c of customers) {
      const last = (channel.arrivals.get(c.conv) ?? []).map((x) => /C-\d{6}-\d{4}/.exec(x.text)?.[0]).filter(Boolean);
      if (last.length) ids.add(last[last.length - 1] as string);
    }
    const queue = await a.get<{ cases: { id: string; status: string }[] }>('/queue');
    const queued = queue.cases.filter((c) => c.status === 'queued' && ids.has(c.id)).length;
    console.log(`escalations: ${caseCount} customers x 4 turns in ${(escalateMs / 1000).toFixed(1)} s (25 at a time) -> ${ids.size} distinct cases, ${queued} in the queue`);

    // 2. Two agents race for every case.
    let exactlyOne = 0;
    const t2 = performance.now();
    await pool([...ids], 20, async (id) => {
      const [sa, sb] = await Promise.all([a.post(`/cases/${id}/claim`), b.post(`/cases/${id}/claim`)]);
      if ([sa, sb].sort().join() === '200,409') exactlyOne += 1;
    });
    console.log(`claims: ${ids.size} cases raced by 2 agents in ${((performance.now() - t2) / 1000).toFixed(1)} s -> ${exactlyOne} with exactly one winner (200 + 409)`);

    // 3. Latency on one case owned by agent A.
    const target = customers.find((c) => (channel.arrivals.get(c.conv) ?? []).some((x) => /Bench A/.test(x.text)));
    if (!target) throw new Error('no case claimed by agent A');
    const caseId = [...(channel.arrivals.get(target.conv) ?? [])].map((x) => /C-\d{6}-\d{4}/.exec(x.text)?.[0]).find(Boolean) as string;
    const seen = new Map<string, number>();
    const stop = await a.events((e, at) => {
      if (e.type === 'message' && e.caseId === caseId && e.entry) seen.set(e.entry.text, at);
    });
    const toAgent: number[] = [];
    for (let i = 0; i < messageCount; i++) {
      const text = `bench message ${i} ${randomUUID()}`;
      const s = performance.now();
      await say(app.url, channel.url, target.conv, target.user, text);
      for (let w = 0; w < 500 && !seen.has(text); w++) await new Promise((r) => setTimeout(r, 2));
      const at = seen.get(text);
      if (at !== undefined) toAgent.push(at - s);
    }
    stop();
    const toCustomer: number[] = [];
    for (let i = 0; i < messageCount; i++) {
      const text = `agent reply ${i} ${randomUUID()}`;
      const s = performance.now();
      await a.post(`/cases/${caseId}/messages`, { text });
      const arrived = (channel.arrivals.get(target.conv) ?? []).find((x) => x.text === text);
      if (arrived) toCustomer.push(arrived.at - s);
    }
    for (const [name, list] of [
      ['customer message -> SSE event at the agent', toAgent],
      ['agent reply -> customer channel', toCustomer],
    ] as const) {
      const sorted = [...list].sort((x, y) => x - y);
      console.log(`${name}: n=${sorted.length}/${messageCount} p50 ${fmt(percentile(sorted, 50))} p95 ${fmt(percentile(sorted, 95))} max ${fmt(sorted[sorted.length - 1] ?? 0)}`);
    }
  } finally {
    await app.close();
    await channel.close();
    if (config.redis) {
      const redis = await connectRedis(config.redis.url, { cluster: config.redis.cluster });
      let removed = 0;
      for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          for (const k of keys) removed += await node.del(k);
        } while (cursor !== '0');
      }
      console.log(`removed ${removed} bench keys`);
      await redis.quit();
    }
  }
}

main().catch((err) => {
  console.error('bench:handoff failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
