/**
 * `node dist/scripts/flood-directline.js [--scenario all|upload|one-ip|many-ips] [--file-bytes N]
 * [--uploads 80] [--per-conversation 5] [--requests 10001] [--ips 250] [--concurrency 32]`
 *
 * Floods the embedded Direct Line of a real `node dist/index.js` (started here on 127.0.0.1 with
 * a free port, one fresh process per scenario, stopped afterwards) and prints what it cost: the
 * server's resident memory (VmRSS, and VmHWM as the peak) before and after, the HTTP statuses the
 * attacker got, and whether a customer who was already chatting still gets answers.
 *
 * - `upload`: `--uploads` upload requests of `--file-bytes` each (default: 1 MiB, the largest a
 *   file may be; use 4190000 against the code before the limits, whose cap was 4 MiB per
 *   request), `--per-conversation` (default 5, the limit; 10 before) into each conversation, then
 *   a new conversation from the token route while it hands them out;
 * - `one-ip`: `--requests` token requests (each a new conversation) from 127.0.0.1;
 * - `many-ips`: the same number spread over `--ips` source addresses 127.0.0.2, 127.0.0.3, … (all
 *   of 127.0.0.0/8 is loopback on Linux, so the server sees that many clients).
 *
 * Bounded: everything talks to 127.0.0.1 only, at most `--concurrency` requests in flight, each
 * with a 30 s timeout. Linux only (reads /proc/<pid>/status).
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { Agent, request } from 'http';
import { join } from 'path';

interface Options {
  scenario: string;
  fileBytes: number;
  uploads: number;
  requests: number;
  ips: number;
  concurrency: number;
  perConversation: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { scenario: 'all', fileBytes: 1024 * 1024, uploads: 80, requests: 10_001, ips: 250, concurrency: 32, perConversation: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const n = Number(value);
    if (flag === '--scenario') o.scenario = value;
    else if (flag === '--file-bytes' && n > 0) o.fileBytes = n;
    else if (flag === '--uploads' && n > 0) o.uploads = n;
    else if (flag === '--requests' && n > 0) o.requests = n;
    else if (flag === '--ips' && n > 0 && n <= 250) o.ips = n;
    else if (flag === '--concurrency' && n > 0 && n <= 256) o.concurrency = n;
    else if (flag === '--per-conversation' && n > 0) o.perConversation = n;
    else throw new Error(`flood-directline: unknown or bad argument ${flag} ${value ?? ''}`);
  }
  return o;
}

interface Reply {
  status: number;
  body: Buffer;
}

const agents = new Map<string, Agent>();
function agentFor(localAddress: string): Agent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 64, localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

/** One HTTP request to the server; network failures come back as status 0. */
function send(url: string, init: { method: string; headers?: Record<string, string>; body?: Buffer | string; from?: string }): Promise<Reply> {
  return new Promise((resolve) => {
    const body = init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body);
    const headers: Record<string, string | number> = { ...(init.headers ?? {}) };
    if (body) headers['Content-Length'] = body.length;
    const req = request(url, { method: init.method, headers, agent: agentFor(init.from ?? '127.0.0.1'), timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }));
    req.end(body);
  });
}

function json<T>(reply: Reply): T | undefined {
  try {
    return JSON.parse(reply.body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

interface Server {
  url: string;
  pid: number;
  child: ChildProcess;
}

const ROOT = join(__dirname, '..', '..');

/** Starts `node dist/index.js` on a free loopback port and waits for its "listening" log line. */
function startServer(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'index.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 120 s:\n${out.slice(-2000)}`));
    }, 120_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*LockerDesk is listening/.exec(out);
      if (m && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ url: m[1], pid: child.pid, child });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out.slice(-2000)}`));
    });
  });
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise<void>((r) => server.child.once('exit', () => r()));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Resident and peak resident memory of a process, in MiB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Conversation {
  conversationId: string;
  token: string;
  domain: string;
}

/** A conversation from the widget's token route, as a browser on the demo page gets it. */
async function tokenConversation(server: Server, from?: string): Promise<{ status: number; conversation?: Conversation }> {
  const reply = await send(`${server.url}/api/directline/token`, {
    method: 'POST',
    headers: { Origin: server.url, 'Content-Type': 'application/json' },
    body: '{}',
    from,
  });
  const body = json<Conversation>(reply);
  return reply.status === 200 && body?.token ? { status: reply.status, conversation: body } : { status: reply.status };
}

/** A customer who opened the chat and wrote before the flood; `check()` asks again and waits for the bot's answer. */
async function liveCustomer(server: Server): Promise<{ check(): Promise<string> }> {
  const got = await tokenConversation(server);
  if (!got.conversation) throw new Error(`live customer: token route answered ${got.status}`);
  const c = got.conversation;
  const auth = { Authorization: `Bearer ${c.token}`, Origin: server.url, 'Content-Type': 'application/json' };
  await send(`${c.domain}/conversations`, { method: 'POST', headers: auth, body: '{}' });
  const ask = async (text: string): Promise<string> => {
    const started = Date.now();
    const posted = await send(`${c.domain}/conversations/${c.conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', text }) });
    if (posted.status !== 200) return `refused (${posted.status})`;
    const id = json<{ id: string }>(posted)?.id;
    for (;;) {
      const page = json<{ activities: { id: string; from: { role?: string }; replyToId?: string }[] }>(
        await send(`${c.domain}/conversations/${c.conversationId}/activities`, { method: 'GET', headers: auth }),
      );
      const mine = page?.activities.findIndex((a) => a.id === id) ?? -1;
      if (mine >= 0 && page?.activities.slice(mine + 1).some((a) => a.from.role === 'bot')) return `answered in ${Date.now() - started} ms`;
      if (Date.now() - started > 20_000) return 'no answer in 20 s';
      await sleep(100);
    }
  };
  const first = await ask('labas');
  if (!first.startsWith('answered')) throw new Error(`live customer before the flood: ${first}`);
  return { check: () => ask('kur mano siunta') };
}

/** Runs `total` tasks with at most `concurrency` in flight; returns the status counts. */
async function pool(total: number, concurrency: number, task: (i: number) => Promise<number>): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const status = await task(i);
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return counts;
}

const PNG_MAGIC = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function uploadBody(boundary: string, fileBytes: number): Buffer {
  const file = Buffer.concat([PNG_MAGIC, randomBytes(Math.max(0, fileBytes - PNG_MAGIC.length))]);
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="activity"\r\nContent-Type: application/vnd.microsoft.activity\r\n\r\n`),
    Buffer.from(JSON.stringify({ type: 'message', text: '' })),
    Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

interface Result {
  scenario: string;
  attack: string;
  statuses: string;
  before: { rss: number; peak: number };
  after: { rss: number; peak: number };
  settled: { rss: number; peak: number };
  customer: string;
  seconds: number;
}

async function scenario(name: string, attack: string, run: (server: Server) => Promise<Map<number, number>>): Promise<Result> {
  const server = await startServer();
  try {
    await sleep(2000);
    const customer = await liveCustomer(server);
    const before = memory(server.pid);
    const started = Date.now();
    const counts = await run(server);
    const seconds = (Date.now() - started) / 1000;
    const after = memory(server.pid);
    const answer = await customer.check();
    await sleep(5000);
    const settled = memory(server.pid);
    const statuses = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    return { scenario: name, attack, statuses, before, after, settled, customer: answer, seconds };
  } finally {
    await stopServer(server);
  }
}

function uploadFlood(o: Options) {
  return async (server: Server): Promise<Map<number, number>> => {
    // The attacker's best plan: as many conversations as the token route gives, each filled up to the limit.
    const conversations: Conversation[] = [];
    for (let i = 0; i < Math.ceil(o.uploads / o.perConversation); i++) {
      const got = await tokenConversation(server);
      if (!got.conversation) break;
      conversations.push(got.conversation);
    }
    const boundary = `flood${randomBytes(8).toString('hex')}`;
    const body = uploadBody(boundary, o.fileBytes);
    return pool(o.uploads, Math.min(o.concurrency, 16), async (i) => {
      const c = conversations[Math.floor(i / o.perConversation)];
      if (!c) return -1;
      const r = await send(`${c.domain}/conversations/${c.conversationId}/upload`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${c.token}`, Origin: server.url, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      return r.status;
    });
  };
}

function conversationFlood(o: Options, ips: number) {
  return (server: Server): Promise<Map<number, number>> =>
    pool(o.requests, o.concurrency, async (i) => (await tokenConversation(server, ips > 1 ? `127.0.0.${2 + (i % ips)}` : '127.0.0.1')).status);
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const chosen = o.scenario === 'all' ? ['upload', 'one-ip', 'many-ips'] : [o.scenario];
  const results: Result[] = [];
  for (const name of chosen) {
    if (name === 'upload') results.push(await scenario(name, `${o.uploads} uploads of ${o.fileBytes} bytes`, uploadFlood(o)));
    else if (name === 'one-ip') results.push(await scenario(name, `${o.requests} token requests from 127.0.0.1`, conversationFlood(o, 1)));
    else if (name === 'many-ips') results.push(await scenario(name, `${o.requests} token requests from ${o.ips} addresses`, conversationFlood(o, o.ips)));
    else throw new Error(`flood-directline: unknown scenario ${name}`);
    const r = results[results.length - 1];
    const mib = (n: number) => `${n.toFixed(0)} MiB`;
    console.log(
      [
        `${r.scenario}: ${r.attack} in ${r.seconds.toFixed(1)} s`,
        `  attacker got: ${r.statuses} (0 = connection closed by the server, -1 = no conversation to upload into)`,
        `  server RSS: before ${mib(r.before.rss)}, after ${mib(r.after.rss)} (${r.after.rss >= r.before.rss ? '+' : ''}${mib(r.after.rss - r.before.rss)}), 5 s later ${mib(r.settled.rss)}; peak ${mib(r.settled.peak)}`,
        `  customer who was chatting before: ${r.customer}`,
      ].join('\n'),
    );
  }
  for (const agent of agents.values()) agent.destroy();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
