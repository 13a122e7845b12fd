/**
 * `npm run bench [-- --turns 2000 --seconds 60 --live 1000 --only embedded,redis,apart,dialog,echo --concurrency 50,200 --cpu-prof DIR --heap-snapshot DIR --node-flags "--max-semi-space-size=4" --trace --by-message]`
 *
 * LockerDesk against the framework's own ceiling, in one run, on loopback only:
 *
 * - **Servers**, each a child process on 127.0.0.1 (stopped afterwards): `node dist/index.js` on
 *   embedded defaults (in-memory state, the sandbox carrier in-process); the same with Redis (a
 *   `redis-server` started here on a free port, or `REDIS_URL`, under its own key prefix, removed
 *   afterwards); the same with the sandbox carrier in a process of its own (`apart`: what the bot
 *   itself costs when the carrier's side of each call is elsewhere, as in production); a minimal echo bot on the same stack (`scripts/bench-echo-bot.ts`:
 *   botbuilder CloudAdapter + restify); and the SDK's bare stateful dialog turn on that stack
 *   (`scripts/bench-dialog-bot.ts`, the `dialog bot`: conversation and user state, a component
 *   dialog with a waterfall and a text prompt, one reply per message — the SDK's stock pattern,
 *   what a bot on botbuilder-dialogs costs before it does anything of its own;
 *   with `redis` in `--only` also as `dialog redis`, its states in the same Redis through
 *   LockerDesk's Redis storage, the reference for the Redis figures). The bots use the scripted-client flood limits
 *   (`test/support/fairUse.ts`): the customers here type faster than people.
 * - **Customers**, 50 and then 200 at once, each playing whole flows in English over
 *   `/api/messages` (channel `webchat`), one conversation per flow: track a parcel (and thanks,
 *   hello); readdress with proof (the sender's phone, or the one-time code read from the sandbox
 *   SMS outbox `GET /sandbox/sms?to=` when the bot asks for a code); a wrong recipient phone
 *   (with the same proof); escalation to a person. Parcels are taken from the sandbox's seeded set
 *   (the same deterministic seed), so no single parcel meets the carrier's own daily code limit.
 *   The replies are captured by a local connector endpoint at the activities' `serviceUrl`; a
 *   turn's latency is the time of its POST, which answers once the turn sent its replies.
 *   The echo bot and the dialog bot get the same messages in the same order.
 * - **Figures**: turns/s and p50/p95/p99 turn latency per server and concurrency (the POST), the
 *   first message reply's p50/p99 (what the customer waits for), with the ratios
 *   to the echo bot (measured first and last in each round, the ratios to the mean of the two);
 *   activities sent per turn by type; flows completed; RSS idle (VmRSS after
 *   start-up), after the run, and with `--live` conversations left mid-flow (readdress, asked again for the
 *   parcel number) on that server and on a fresh one that holds only them; start-up time of `node dist/index.js` until `/healthz` answers; the embedded
 *   Direct Line for the widget's path (token → conversation → WebSocket) with its reply latency;
 *   with `redis`, the Redis round trips a turn waits for one after another (`redisRoundTrips()`:
 *   one customer at a time, each Redis answer held back 10 ms by `scripts/redisRoundTrips.ts`).
 *
 * LockerDesk servers start with the node flags of `npm start` (package.json), as App Service runs
 * them; `--node-flags ""` measures plain `node dist/index.js`. Server CPU per turn (from /proc) is
 * printed beside turns/s: it moves far less than turns/s when other jobs share the machine.
 *
 * After one warm-up of every flow (200 turns, 8 at once), each measured phase follows warm-up
 * phases at its own concurrency (flows without proof) until the server's CPU per turn settles
 * (`settle()`), so it measures warmed-up servers on open keep-alive connections, not TCP accepts.
 *
 * Bounded: every phase stops after `--turns` turns or `--seconds`,
 * requests time out after 30 s. Linux only (reads /proc/<pid>/status).
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { Agent, createServer as createHttpServer, request, type IncomingMessage, type Server } from 'http';
import { connect, createServer as createNetServer, type AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import WebSocket from 'ws';
import { InMemoryCarrier } from '../services/carrier/sandbox/InMemoryCarrier';
import { foregroundTrips, isOutboxPoll, startRoundTripProxy, waves } from './redisRoundTrips';
import type { SandboxParcel } from '../services/carrier/sandbox/parcelSeed';
import { SCRIPTED_CLIENT_ENV } from '../test/support/fairUse';

const ROOT = join(__dirname, '..', '..');

/** Every child process started here, stopped when the bench is interrupted. */
const children = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Options {
  turns: number;
  seconds: number;
  live: number;
  only: string[];
  concurrency: number[];
  /** Directory for `node --cpu-prof` profiles of the LockerDesk servers (written when they stop). */
  cpuProf?: string;
  /** Directory for a heap snapshot of a fresh embedded server holding the `--live` conversations. */
  heapSnapshot?: string;
  nodeFlags?: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { turns: 2000, seconds: 60, live: 1000, only: ['embedded', 'redis', 'apart', 'dialog', 'echo'], concurrency: [50, 200] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value = ''] = [argv[i], argv[i + 1]];
    const n = Number(value);
    if (flag === '--turns' && n > 0 && n <= 100_000) o.turns = n;
    else if (flag === '--seconds' && n > 0 && n <= 600) o.seconds = n;
    else if (flag === '--live' && n >= 0 && n <= 5000) o.live = n;
    else if (flag === '--only') o.only = value.split(',');
    else if (flag === '--cpu-prof') o.cpuProf = value;
    else if (flag === '--heap-snapshot') o.heapSnapshot = value;
    else if (flag === '--node-flags') o.nodeFlags = value.split(' ').filter(Boolean);
    else if (flag === '--trace') {
      TRACE = true;
      i -= 1;
    } else if (flag === '--by-message') {
      BY_MESSAGE = true;
      i -= 1;
    }
    else if (flag === '--concurrency') o.concurrency = value.split(',').map(Number).filter((c) => c > 0 && c <= 500);
    else throw new Error(`bench: unknown or bad argument ${flag} ${value}`);
  }
  return o;
}

// ---------------------------------------------------------------- HTTP on loopback

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

interface HttpReply {
  status: number;
  body: string;
}

function send(url: string, init: { method: string; headers?: Record<string, string>; body?: string } = { method: 'GET' }): Promise<HttpReply> {
  return new Promise((resolve) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const headers: Record<string, string | number> = { ...(init.headers ?? {}) };
    if (body) headers['Content-Length'] = body.length;
    const req = request(url, { method: init.method, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- the connector stand-in

interface Captured {
  type: string;
  text?: string;
  buttons: string[];
  attachments: number;
  /** When the connector endpoint received it (`performance.now()`). */
  at: number;
}

interface Connector {
  url: string;
  /** Activities the bot sent, per conversation id, in arrival order. */
  byConversation: Map<string, Captured[]>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

interface WireActivity {
  type: string;
  text?: string;
  suggestedActions?: { actions?: { title?: string; value?: unknown }[] };
  attachments?: { content?: { buttons?: { title?: string; value?: unknown }[] } }[];
  from?: { role?: string; id?: string };
  id?: string;
  replyToId?: string;
}

function capture(a: WireActivity): Captured {
  const buttons = (a.suggestedActions?.actions ?? []).map((x) => String(x.value ?? x.title ?? ''));
  for (const att of a.attachments ?? []) for (const b of att.content?.buttons ?? []) buttons.push(String(b.value ?? b.title ?? ''));
  return { type: a.type, text: a.text, buttons, attachments: (a.attachments ?? []).length, at: performance.now() };
}

async function startConnector(): Promise<Connector> {
  const byConversation = new Map<string, Captured[]>();
  const server: Server = createHttpServer(async (req, res) => {
    const m = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (req.method === 'POST' && m) {
      try {
        const conv = decodeURIComponent(m[1]);
        const list = byConversation.get(conv) ?? [];
        list.push(capture(JSON.parse(raw) as WireActivity));
        byConversation.set(conv, list);
      } catch {
        /* a malformed activity is not counted */
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    byConversation,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------- servers under bench

interface BenchServer {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** ms from spawn to the first 200 from /healthz. */
  startupMs: number;
  sandboxUrl?: string;
  log(): string;
}

/**
 * CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. Unlike turns
 * per second it barely depends on what else the machine runs, so it is the figure to compare
 * when the bench cannot have the machine to itself.
 */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function startServer(name: string, args: string[], env: Record<string, string>, port: number, sandboxUrl?: string, health = '/healthz'): Promise<BenchServer> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  const deadline = started + 120_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`${name}: server exited with ${exited}:\n${out.slice(-3000)}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name}: /healthz did not answer in 120 s:\n${out.slice(-3000)}`);
    }
    if ((await send(`${url}${health}`)).status === 200) break;
    await sleep(10);
  }
  const startupMs = performance.now() - started;
  if (child.pid === undefined) throw new Error(`${name}: no pid`);
  return { name, url, pid: child.pid, child, startupMs, sandboxUrl, log: () => out };
}

async function stopServer(server: BenchServer): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => server.child.once('exit', () => r()));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The sandbox carrier alone, in its own process (`dist/services/carrier/sandbox/main.js`), as a real carrier would be. */
async function startSandboxCarrier(): Promise<BenchServer> {
  const port = await freePort();
  return startServer('sandbox carrier', [join(ROOT, 'dist', 'services', 'carrier', 'sandbox', 'main.js'), String(port)], {}, port, undefined, '/v1/health');
}

const ECHO = 'echo bot';
const DIALOG = 'dialog bot';
const DIALOG_REDIS = 'dialog redis';

/** V8/Node flags LockerDesk servers start with: those of `npm start` unless `--node-flags` says otherwise. */
let NODE_FLAGS: string[] = [];
/** The node flags of package.json's `start` script (`node <flags> dist/index.js`), as production runs it. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  return start.split(' ').filter((w) => w.startsWith('--'));
}
/** `--heap-snapshot DIR`: LockerDesk servers write a heap snapshot there on SIGUSR2. */
let HEAP_DIR: string | undefined;

/** `node --cpu-prof` flags writing `<name>.cpuprofile` into `dir` when the process stops (none without a dir). */
const cpuProfFlags = (dir: string | undefined, name: string): string[] => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`] : []);

async function startLockerDesk(name: string, extra: Record<string, string>, cpuProf?: string, carrier?: BenchServer): Promise<BenchServer> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  // The bot's own proof limits are for people too: at their maximum, the sandbox carrier's (10 codes a
  // day per parcel) is what bounds the flows with proof.
  const proofLimits = { PROOF_CODES_PER_PARCEL_PER_DAY: '50', PROOF_CODES_PER_PHONE_PER_DAY: '50', PROOF_CODES_PER_CLIENT_PER_DAY: '1000' };
  const env = { PORT: String(port), SANDBOX_PORT: String(sandboxPort), ...SCRIPTED_CLIENT_ENV, ...proofLimits, ...extra };
  const flags = [...NODE_FLAGS, ...cpuProfFlags(cpuProf, name), ...(HEAP_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${HEAP_DIR}`] : [])];
  // Without a carrier of its own the bot starts the sandbox in-process on SANDBOX_PORT.
  const [carrierEnv, sandboxUrl] = carrier ? [{ CARRIER_API_URL: carrier.url }, carrier.url] : [{}, `http://127.0.0.1:${sandboxPort}`];
  return startServer(name, [...flags, join(ROOT, 'dist', 'index.js')], { ...env, ...carrierEnv }, port, sandboxUrl);
}

async function startEcho(cpuProf?: string): Promise<BenchServer> {
  const port = await freePort();
  return startServer(ECHO, [...cpuProfFlags(cpuProf, 'echo'), join(ROOT, 'dist', 'scripts', 'bench-echo-bot.js'), String(port)], {}, port);
}

/** The SDK's stateful dialog pattern and nothing else (`scripts/bench-dialog-bot.ts`), started like the echo bot; with `redis`, its states in Redis. */
async function startDialogBot(cpuProf?: string, redis?: { url: string; prefix: string }): Promise<BenchServer> {
  const port = await freePort();
  const [name, store] = redis ? [DIALOG_REDIS, [redis.url, redis.prefix]] : [DIALOG, []];
  return startServer(name, [...cpuProfFlags(cpuProf, redis ? 'dialog-redis' : 'dialog'), join(ROOT, 'dist', 'scripts', 'bench-dialog-bot.js'), String(port), ...store], {}, port);
}

interface RedisHandle {
  url: string;
  close(): Promise<void>;
}

async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lockerdesk-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const failed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`bench: could not start redis-server: ${err.message}`))));
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const conn = connect(port, '127.0.0.1');
        conn.once('connect', () => {
          conn.write('PING\r\n');
        });
        conn.once('data', (d: Buffer) => {
          conn.destroy();
          resolve(d.toString().startsWith('+PONG'));
        });
        conn.once('error', () => resolve(false));
      });
      if (ok) return;
      await sleep(50);
    }
    throw new Error('bench: redis-server did not answer PING');
  })();
  await Promise.race([ready, failed]);
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- customers and flows

/** Parcels of the sandbox's deterministic seed, by what a flow needs. */
interface ParcelPool {
  readdressable: SandboxParcel[];
  phoneChangeable: SandboxParcel[];
  any: SandboxParcel[];
}

function parcelPool(): ParcelPool {
  const parcels = [...new InMemoryCarrier().parcels.values()];
  return {
    readdressable: parcels.filter((p) => ['registered', 'accepted', 'in_transit', 'at_terminal'].includes(p.status)),
    // Other parcels than the readdress ones, so the proof limits per parcel are shared by fewer flows.
    phoneChangeable: parcels.filter((p) => ['out_for_delivery', 'in_locker', 'returning'].includes(p.status)),
    any: parcels,
  };
}

interface TurnResult {
  ms: number;
  replies: Captured[];
}

interface Stats {
  latencies: number[];
  /**
   * From the POST to the first message reply at the connector, for turns that sent one: what the
   * customer waits for (the POST itself answers once the turn's saves and writes are done).
   */
  firstReplies: number[];
  /** Latencies by what the customer wrote, digits as '#' (for `--by-message`). */
  byMessage: Map<string, number[]>;
  activities: Map<string, number>;
  flows: Map<string, { started: number; completed: number }>;
  errors: number;
}

const newStats = (): Stats => ({ latencies: [], firstReplies: [], byMessage: new Map(), activities: new Map(), flows: new Map(), errors: 0 });

interface Customer {
  /** Sends `text`, resolves with the activities the bot sent during the turn. */
  say(text: string): Promise<TurnResult>;
  /** What was said so far (for `--trace`). */
  transcript: string[];
}

function customer(server: BenchServer, connector: Connector, stats: Stats, budget: Budget): Customer {
  const conv = `bench-${randomUUID()}`;
  const user = `bench-user-${randomBytes(6).toString('hex')}`;
  const transcript: string[] = [];
  return {
    transcript,
    async say(text) {
      budget.take();
      const before = connector.byConversation.get(conv)?.length ?? 0;
      const body = JSON.stringify({
        type: 'message',
        id: randomUUID(),
        channelId: 'webchat',
        serviceUrl: connector.url,
        from: { id: user, name: 'Customer', role: 'user' },
        recipient: { id: 'lockerdesk', name: 'LockerDesk', role: 'bot' },
        conversation: { id: conv },
        locale: 'en-US',
        timestamp: new Date().toISOString(),
        text,
      });
      const t = performance.now();
      const reply = await send(`${server.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      const ms = performance.now() - t;
      if (reply.status === 0 || reply.status >= 300) stats.errors += 1;
      stats.latencies.push(ms);
      if (BY_MESSAGE) {
        const label = text.replace(/\d/g, '#').slice(0, 48);
        const list = stats.byMessage.get(label) ?? [];
        list.push(ms);
        stats.byMessage.set(label, list);
      }
      const replies = (connector.byConversation.get(conv) ?? []).slice(before);
      const firstMessage = replies.find((a) => a.type === 'message');
      if (firstMessage) stats.firstReplies.push(firstMessage.at - t);
      for (const a of replies) stats.activities.set(a.type, (stats.activities.get(a.type) ?? 0) + 1);
      transcript.push(`> ${text}`, ...replies.filter((a) => a.text).map((a) => `< ${a.text}`));
      return { ms, replies };
    },
  };
}

class Budget {
  private used = 0;
  constructor(
    private readonly turns: number,
    private readonly until: number,
  ) {}
  take(): void {
    this.used += 1;
  }
  get spent(): boolean {
    return this.used >= this.turns || performance.now() > this.until;
  }
  get count(): number {
    return this.used;
  }
}

const said = (r: TurnResult, re: RegExp) => r.replies.some((a) => re.test(a.text ?? ''));
const firstButton = (r: TurnResult) => r.replies.flatMap((a) => a.buttons).find((b) => b && !/^(cancel|atšaukti|отмена)$/i.test(b));

/** The newest 6-digit code the sandbox texted to `phone` (undefined when none). */
async function smsCode(sandboxUrl: string | undefined, phone: string): Promise<string | undefined> {
  if (!sandboxUrl) return undefined;
  const reply = await send(`${sandboxUrl}/sandbox/sms?to=${encodeURIComponent(phone)}`);
  if (reply.status !== 200) return undefined;
  const list = JSON.parse(reply.body) as { text: string }[];
  return list.map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]).find(Boolean);
}

const ASK_CODE = /6-digit code|write the code|code from the SMS/i;
const ASK_SENDER_PHONE = /sender's phone number/i;

/**
 * Proof by possession as the bot asks for it now or after the switch to SMS codes: answers the
 * sender-phone question with the phone and a code prompt with the code from the outbox (the
 * echo bot asks neither: it gets the phone, the nominal message).
 */
async function prove(c: Customer, last: TurnResult, parcel: SandboxParcel, server: BenchServer, adaptive: boolean): Promise<TurnResult> {
  if (!adaptive) return c.say(parcel.senderPhone.replace('+370', '8'));
  let r = last;
  for (let i = 0; i < 3; i++) {
    if (said(r, ASK_CODE)) {
      const code = await smsCode(server.sandboxUrl, parcel.senderPhone);
      r = await c.say(code ?? '000000');
    } else if (said(r, ASK_SENDER_PHONE)) {
      r = await c.say(parcel.senderPhone.replace('+370', '8'));
    } else break;
  }
  return r;
}

type Flow = (c: Customer, ctx: FlowContext) => Promise<boolean>;

interface FlowContext {
  server: BenchServer;
  parcels: ParcelPool;
  adaptive: boolean;
  i: number;
}

const pick = <T>(list: T[], i: number): T => list[i % list.length] as T;

const FLOWS: Record<string, Flow> = {
  async track(c, { parcels, adaptive, i }) {
    const parcel = pick(parcels.any, i * 7);
    const r = await c.say(`where is my parcel ${parcel.trackingNumber}?`);
    const ok = !adaptive || said(r, new RegExp(parcel.trackingNumber));
    await c.say('thanks');
    await c.say('hello');
    return ok;
  },
  async readdress(c, { server, parcels, adaptive, i }) {
    const parcel = pick(parcels.readdressable, i);
    let r = await c.say('I want to send my parcel to another locker');
    if (adaptive && !said(r, /parcel number/i)) return false;
    r = await c.say(parcel.trackingNumber);
    r = await prove(c, r, parcel, server, adaptive);
    if (adaptive && !said(r, /Which locker should/i)) return false;
    const [query, otherQuery] = i % 2 ? ['Akropolis Klaipėda', 'Panorama Vilnius'] : ['Panorama Vilnius', 'Akropolis Klaipėda'];
    r = await c.say(query);
    // The parcel may already be going there: the bot says so and asks again.
    if (adaptive && said(r, /already going to/i)) r = await c.say(otherQuery);
    // A search that names one locker goes straight to the confirmation; a list is answered with its first entry.
    if (!adaptive || !said(r, /instead\?/i)) {
      const choice = adaptive ? firstButton(r) : 'Panorama';
      if (!choice) return false;
      r = await c.say(choice);
    }
    if (adaptive && !said(r, /instead\?/i)) return false;
    r = await c.say('yes');
    return !adaptive || said(r, /Done!|registered \(reference/i);
  },
  async wrongPhone(c, { server, parcels, adaptive, i }) {
    const parcel = pick(parcels.phoneChangeable, i);
    let r = await c.say('the phone number on my parcel is wrong');
    if (adaptive && !said(r, /parcel number/i)) return false;
    r = await c.say(parcel.trackingNumber);
    r = await prove(c, r, parcel, server, adaptive);
    if (adaptive && !said(r, /Which number was wrong/i)) return false;
    r = await c.say('recipient');
    if (adaptive && !said(r, /correct phone number/i)) return false;
    r = await c.say(`8 612 ${String(10_000 + ((i * 7919) % 89_999))}`);
    if (adaptive && said(r, /same number/i)) return true;
    r = await c.say('yes');
    return !adaptive || said(r, /Done!|registered \(reference/i);
  },
  async escalation(c, { adaptive }) {
    let r = await c.say('I want to talk to a person');
    if (adaptive && !said(r, /colleague/i)) return false;
    for (const text of ['skip', 'I need help with the delivery of my parcel', 'skip']) r = await c.say(text);
    return !adaptive || said(r, /C-\d{6}-\d{4}|colleague|queue/i);
  },
};
const FLOW_NAMES = Object.keys(FLOWS);
/** Flows that ask for no proof (so use none of the sandbox's daily codes per parcel). */
const WARM_UP_FLOWS = ['track', 'escalation'];
/** `--trace`: print the first off-script conversation of each flow. */
let TRACE = false;
/** `--by-message`: after each phase, the messages (digits as '#') whose turns were slowest at p99, among those sent at least 10 times. */
let BY_MESSAGE = false;
const traced = new Set<string>();

interface PhaseResult {
  concurrency: number;
  turns: number;
  seconds: number;
  /** Server CPU time (user + system) per turn, ms. */
  cpuMsPerTurn: number;
  stats: Stats;
}

async function phase(server: BenchServer, connector: Connector, parcels: ParcelPool, concurrency: number, turns: number, seconds: number, adaptive: boolean, flowNames: readonly string[] = FLOW_NAMES): Promise<PhaseResult> {
  const stats = newStats();
  const budget = new Budget(turns, performance.now() + seconds * 1000);
  let next = 0;
  const t = performance.now();
  const cpu = cpuSecondsOf(server.pid);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!budget.spent) {
        const i = next++;
        const name = flowNames[i % flowNames.length] as string;
        const f = stats.flows.get(name) ?? { started: 0, completed: 0 };
        stats.flows.set(name, f);
        f.started += 1;
        const c = customer(server, connector, stats, budget);
        const ok = await FLOWS[name]!(c, { server, parcels, adaptive, i: Math.floor(i / flowNames.length) });
        if (ok) f.completed += 1;
        else if (TRACE && !traced.has(name) && !budget.spent) {
          traced.add(name);
          console.log(`  [trace] ${name} went off script:\n    ${c.transcript.join('\n    ')}`);
        }
      }
    }),
  );
  const turnCount = stats.latencies.length;
  return { concurrency, turns: turnCount, seconds: (performance.now() - t) / 1000, cpuMsPerTurn: ((cpuSecondsOf(server.pid) - cpu) * 1000) / Math.max(1, turnCount), stats };
}

/** `count` conversations left mid-readdress, at the proof question (for memory). */
async function liveConversations(server: BenchServer, connector: Connector, count: number): Promise<void> {
  const stats = newStats();
  const budget = new Budget(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < count) {
        const i = next++;
        const c = customer(server, connector, stats, budget);
        // Waiting for the parcel number after a first wrong answer (no code is sent: no proof limit is spent).
        await c.say('I want to send my parcel to another locker');
        await c.say(i % 2 ? '123' : 'I do not know');
      }
    }),
  );
}

// ---------------------------------------------------------------- the embedded Direct Line

interface DirectLineResult {
  conversations: number;
  turns: number;
  seconds: number;
  latencies: number[];
  activitiesPerTurn: number;
  failures: number;
  reasons: string;
}

async function directLine(server: BenchServer, parcels: ParcelPool, conversations: number, turnsEach: number): Promise<DirectLineResult> {
  const latencies: number[] = [];
  let activities = 0;
  let failures = 0;
  const reasons = new Map<string, number>();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: conversations }, async (_, i) => {
      const token = await send(`${server.url}/api/directline/token`, { method: 'POST', headers: { Origin: server.url, 'Content-Type': 'application/json' }, body: '{}' });
      if (token.status !== 200) return void (failures += 1);
      const { token: bearer, conversationId, domain } = JSON.parse(token.body) as { token: string; conversationId: string; domain: string };
      const auth = { Authorization: `Bearer ${bearer}`, Origin: server.url, 'Content-Type': 'application/json' };
      const started = await send(`${domain}/conversations`, { method: 'POST', headers: auth, body: '{}' });
      const streamUrl = (JSON.parse(started.body || '{}') as { streamUrl?: string }).streamUrl;
      if (started.status >= 300 || !streamUrl) return void (failures += 1);
      const ws = new WebSocket(streamUrl, { headers: { Origin: server.url } });
      // Replies are matched to the message by `replyToId` (the id the POST answered with).
      // In-process delivery can put the reply on the socket before the POST has answered.
      const arrived = new Map<string, number>();
      const replied = new Map<string, (at: number) => void>();
      let welcomed: () => void = () => undefined;
      const welcome = new Promise<void>((resolve) => (welcomed = resolve));
      ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (!text.trim()) return;
        const set = JSON.parse(text) as { activities?: WireActivity[] };
        for (const a of set.activities ?? []) {
          if (a.from?.role !== 'bot') continue;
          activities += 1;
          if (a.type !== 'message') continue;
          if (!a.replyToId) {
            welcomed();
            continue;
          }
          if (arrived.has(a.replyToId)) continue;
          const now = performance.now();
          arrived.set(a.replyToId, now);
          replied.get(a.replyToId)?.(now);
        }
      });
      const opened = await new Promise<boolean>((resolve) => {
        ws.once('open', () => resolve(true));
        ws.once('error', () => resolve(false));
      });
      if (!opened) return void (failures += 1);
      await Promise.race([welcome, sleep(20_000)]);
      const texts = ['hello', `where is my parcel ${pick(parcels.any, i * 3).trackingNumber}?`, 'thanks'];
      for (let k = 0; k < turnsEach; k++) {
        const at = performance.now();
        const posted = await send(`${domain}/conversations/${conversationId}/activities`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ type: 'message', text: `${texts[k % texts.length]}${k >= texts.length ? ' please' : ''}`, from: { id: 'ignored' }, locale: 'en-US' }),
        });
        const id = posted.status === 200 ? (JSON.parse(posted.body) as { id?: string }).id : undefined;
        if (!id) {
          failures += 1;
          reasons.set(`POST ${posted.status}`, (reasons.get(`POST ${posted.status}`) ?? 0) + 1);
          break;
        }
        const done = new Promise<number>((resolve) => {
          const seen = arrived.get(id);
          if (seen !== undefined) resolve(seen);
          else replied.set(id, resolve);
        });
        const replyAt = await Promise.race([done, sleep(20_000).then(() => undefined)]);
        if (replyAt === undefined) {
          failures += 1;
          reasons.set('no reply in 20 s', (reasons.get('no reply in 20 s') ?? 0) + 1);
          break;
        }
        latencies.push(replyAt - at);
        await sleep(50); // the rest of the turn's activities
      }
      ws.close();
    }),
  );
  return { conversations, turns: latencies.length, seconds: (performance.now() - t) / 1000, latencies, activitiesPerTurn: activities / Math.max(1, latencies.length), failures, reasons: [...reasons].map(([k, v]) => `${k} ×${v}`).join(', ') };
}

// ---------------------------------------------------------------- report

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface Figures {
  tps: number;
  p50: number;
  p95: number;
  p99: number;
  /** p50 and p99 of the first message reply (`Stats.firstReplies`). */
  replyP50: number;
  replyP99: number;
}

function figures(r: PhaseResult): Figures {
  const sorted = [...r.stats.latencies].sort((a, b) => a - b);
  const replies = [...r.stats.firstReplies].sort((a, b) => a - b);
  return { tps: r.turns / r.seconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), replyP50: percentile(replies, 50), replyP99: percentile(replies, 99) };
}

/** The mean of phases' figures and CPU per turn (the echo bot's two phases of a round). */
function meanOf(phases: readonly PhaseResult[]): { figures: Figures; cpuMsPerTurn: number } {
  const all = phases.map(figures);
  const mean = (pick: (f: Figures) => number) => all.reduce((sum, f) => sum + pick(f), 0) / all.length;
  return {
    figures: { tps: mean((f) => f.tps), p50: mean((f) => f.p50), p95: mean((f) => f.p95), p99: mean((f) => f.p99), replyP50: mean((f) => f.replyP50), replyP99: mean((f) => f.replyP99) },
    cpuMsPerTurn: phases.reduce((sum, p) => sum + p.cpuMsPerTurn, 0) / phases.length,
  };
}

const fmtFig = (f: Figures) => `${f.tps.toFixed(0).padStart(5)} turns/s   p50 ${f.p50.toFixed(0).padStart(4)} ms   p95 ${f.p95.toFixed(0).padStart(4)} ms   p99 ${f.p99.toFixed(0).padStart(4)} ms`;
const mib = (n: number) => `${n.toFixed(0)} MiB`;

function describePhase(name: string, r: PhaseResult, tag = '', adaptive = true): string {
  const perTurn = [...r.stats.activities.entries()].map(([type, n]) => `${type} ${(n / r.turns).toFixed(2)}`).join(', ');
  const flows = [...r.stats.flows.entries()].map(([f, v]) => `${f} ${v.completed}/${v.started}`).join(', ');
  const f = figures(r);
  return `  ${name.padEnd(12)} ${String(r.concurrency).padStart(3)} at once${tag}: ${fmtFig(f)}   (${r.turns} turns in ${r.seconds.toFixed(1)} s, server CPU ${r.cpuMsPerTurn.toFixed(2)} ms/turn${r.stats.errors ? `, ${r.stats.errors} failed` : ''})\n` +
    `              first message reply p50 ${f.replyP50.toFixed(0)} ms, p99 ${f.replyP99.toFixed(0)} ms; activities per turn: ${perTurn || 'none'}${flows && adaptive ? `; flows completed: ${flows}` : ''}` +
    (BY_MESSAGE ? slowestMessages(r) : '');
}

function slowestMessages(r: PhaseResult): string {
  const rows = [...r.stats.byMessage.entries()]
    .filter(([, list]) => list.length >= 10)
    .map(([label, list]) => ({ label, n: list.length, sorted: [...list].sort((a, b) => a - b) }))
    .sort((a, b) => percentile(b.sorted, 99) - percentile(a.sorted, 99))
    .slice(0, 8);
  return rows.map((x) => `\n            ${JSON.stringify(x.label).padEnd(40)} ${String(x.n).padStart(5)} turns  p50 ${percentile(x.sorted, 50).toFixed(0).padStart(4)} ms  p99 ${percentile(x.sorted, 99).toFixed(0).padStart(4)} ms`).join('');
}

interface ServerReport {
  name: string;
  startupMs: number;
  idle: number;
  after: number;
  live?: number;
  /** A fresh embedded server holding only the live conversations: RSS idle and with them. */
  fresh?: { idle: number; live: number };
  phases: PhaseResult[];
  directLine?: DirectLineResult;
}

interface Contender {
  server: BenchServer;
  adaptive: boolean;
  report: ServerReport;
}

/**
 * All servers run side by side; each concurrency is measured on every server in turn, so a
 * machine whose load changes (other jobs) changes all figures of a round alike and the ratios hold.
 * The echo bot is measured first and again last in each round (A-B-A), and the ratios are to the
 * mean of its two phases, both printed: a machine whose speed drifts within a round (other jobs, a
 * shared host) shows it as a difference between them instead of skewing the ratios. Before the
 * warm-ups settled, the echo bot's last phase was also the warmer one (356-366 vs 442-527 turns/s);
 * since, the two agree within ~6%.
 */
async function runRounds(contenders: Contender[], connector: Connector, parcels: ParcelPool, o: Options): Promise<void> {
  for (const c of contenders) await phase(c.server, connector, parcels, 8, 200, 30, c.adaptive); // warm-up: every flow's code
  const echo = contenders.find((c) => c.server.name === ECHO);
  const others = contenders.filter((c) => c !== echo);
  const round = echo && others.length ? [echo, ...others, echo] : contenders;
  for (const concurrency of o.concurrency) {
    for (const [i, c] of round.entries()) {
      const warmUp = await settle(c, connector, parcels, concurrency);
      const r = await phase(c.server, connector, parcels, concurrency, o.turns, o.seconds, c.adaptive);
      c.report.phases.push(r);
      const tag = c === echo && round.length > 1 ? (i === 0 ? ' (first)' : ' (last)') : '';
      console.log(describePhase(c.server.name, r, tag, c.adaptive));
      console.log(`              after warm-up phases at ${warmUp.map((x) => x.toFixed(2)).join(', ')} ms of server CPU per turn`);
    }
  }
  for (const c of contenders) c.report.after = memoryOf(c.server.pid).rss;
}

/** Warm-up phases before each measured one: {@link settle}. */
const SETTLE = { turns: 1000, seconds: 10, minPhases: 3, maxPhases: 8, maxSeconds: 45, tolerance: 0.05 };

/**
 * Warm-up phases at the measured phase's own concurrency until the server's CPU per turn settles:
 * the last phase was no more than 5% cheaper than the cheapest before it (so a steady decline goes
 * on), at least 3 and at most 8 phases of up to 1,000 turns or 10 s, and none started that could
 * end after 45 s; returns each one's CPU per turn.
 *
 * Why settle: a server keeps getting cheaper per turn long after its first turns. The echo bot
 * fell from 4.5 to 2.2 ms of CPU per turn over eight phases of 2,000 turns (264 → 483 turns/s;
 * V8 tiers code up and grows its young generation as the load goes on), LockerDesk from 12.3 to
 * ~10 within one; compared after equally few turns, the echo bot was measured far below its
 * ceiling. Ending right before the measured phase, the warm-up also leaves every customer an open
 * keep-alive connection, as a connector's pool holds them: without one, each phase began with
 * `concurrency` new TCP connections, which node accepts one per event-loop iteration (strace: one
 * accept4 per wake-up); on a busy loop the last of 50 waited 1.5 s for its accept, and those first
 * turns were the whole p99 (`--by-message`). Flows without proof only: the sandbox's 10 codes a
 * day per parcel are left to the measured phases.
 */
async function settle(c: Contender, connector: Connector, parcels: ParcelPool, concurrency: number): Promise<number[]> {
  const cpu: number[] = [];
  const until = performance.now() + SETTLE.maxSeconds * 1000;
  while (cpu.length < SETTLE.maxPhases && (!cpu.length || performance.now() + SETTLE.seconds * 1000 <= until)) {
    const r = await phase(c.server, connector, parcels, concurrency, SETTLE.turns, SETTLE.seconds, c.adaptive, WARM_UP_FLOWS);
    cpu.push(r.cpuMsPerTurn);
    const last = cpu[cpu.length - 1] as number;
    if (cpu.length >= SETTLE.minPhases && last >= (1 - SETTLE.tolerance) * Math.min(...cpu.slice(0, -1))) break;
  }
  return cpu;
}

async function extras(c: Contender, connector: Connector, parcels: ParcelPool, o: Options): Promise<void> {
  const server = c.server;
  c.report.directLine = await directLine(server, parcels, 20, 6);
  const d = c.report.directLine;
  const sorted = [...d.latencies].sort((a, b) => a - b);
  console.log(
    `  ${server.name} Direct Line (token → conversation → WebSocket): ${d.conversations} conversations, ${d.turns} turns in ${d.seconds.toFixed(1)} s; ` +
      `POST → first reply on the socket p50 ${percentile(sorted, 50).toFixed(0)} ms p95 ${percentile(sorted, 95).toFixed(0)} ms p99 ${percentile(sorted, 99).toFixed(0)} ms; ` +
      `${d.activitiesPerTurn.toFixed(2)} bot activities per turn${d.failures ? `; ${d.failures} failed (${d.reasons})` : ''}`,
  );
  if (o.live > 0) {
    await liveConversations(server, connector, o.live);
    await sleep(1000);
    c.report.live = memoryOf(server.pid).rss;
    // The server above also holds every conversation and case of the phases (several thousand,
    // bounded and expiring, but there); a fresh embedded server holds the live conversations alone.
    const fresh = await startLockerDesk(server.name, {});
    try {
      await sleep(1500);
      const idle = memoryOf(fresh.pid).rss;
      await liveConversations(fresh, connector, o.live);
      await sleep(1000);
      c.report.fresh = { idle, live: memoryOf(fresh.pid).rss };
      if (o.heapSnapshot) {
        process.kill(fresh.pid, 'SIGUSR2');
        await sleep(15_000);
        console.log(`  heap snapshot of a fresh ${server.name} server with ${o.live} live conversations written to ${o.heapSnapshot}`);
      }
    } finally {
      await stopServer(fresh);
    }
  }
}

/** Each Redis answer held back this long in the round-trip measurement (a network hop, with room for the CPU between commands sent at once). */
const ROUND_TRIP_DELAY_MS = 10;

/**
 * Redis round trips a turn waits for, one after another: one customer at a time playing the
 * flows against a server whose Redis is behind `scripts/redisRoundTrips.ts`, each answer held back
 * 10 ms. On loopback a round trip costs little; with Azure Cache for Redis a
 * network hop away each is a latency the customer waits for. Printed for LockerDesk and, with
 * `dialog` in `--only`, for the dialog bot on the same store.
 */
async function redisRoundTrips(redisUrl: string, prefix: string, connector: Connector, parcels: ParcelPool, o: Options): Promise<void> {
  const proxy = await startRoundTripProxy(redisUrl, ROUND_TRIP_DELAY_MS);
  try {
    const starts: (() => Promise<BenchServer>)[] = [
      () => startLockerDesk('redis', { REDIS_URL: proxy.url, REDIS_PREFIX: `${prefix}trips:`, DIRECTLINE_TOKEN_KEY: randomBytes(32).toString('hex') }),
    ];
    if (o.only.includes('dialog')) starts.push(() => startDialogBot(undefined, { url: proxy.url, prefix: `${prefix}trips-dialog:` }));
    console.log(`\nRedis round trips per turn (1 customer at a time, every flow; each Redis answer ${ROUND_TRIP_DELAY_MS} ms away)`);
    for (const start of starts) {
      const server = await start();
      try {
        const adaptive = server.name === 'redis';
        await phase(server, connector, parcels, 1, 60, 30, adaptive);
        const from = proxy.trips.length;
        const r = await phase(server, connector, parcels, 1, 150, 60, adaptive);
        const trips = foregroundTrips(proxy.trips.slice(from), isOutboxPoll);
        const sequential = waves(trips).length;
        const commands = trips.reduce((n, t) => n + t.commands.length, 0);
        const f = figures(r);
        console.log(`  ${server.name.padEnd(12)} ${(sequential / Math.max(1, r.turns)).toFixed(1)} round trips a turn waited for (${(commands / Math.max(1, r.turns)).toFixed(1)} commands sent), turn p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms over ${r.turns} turns`);
      } finally {
        await stopServer(server);
      }
    }
  } finally {
    await proxy.close();
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  HEAP_DIR = o.heapSnapshot;
  NODE_FLAGS = o.nodeFlags ?? startFlags();
  const parcels = parcelPool();
  const connector = await startConnector();
  const contenders: Contender[] = [];
  let redis: RedisHandle | undefined;
  let redisPrefix: string | undefined;
  let carrier: BenchServer | undefined;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`npm run bench — ${o.concurrency.join(' and ')} customers at once, up to ${o.turns} turns per phase or ${o.seconds} s; LockerDesk started as \`node ${[...NODE_FLAGS, 'dist/index.js'].join(' ')}\`; load average before: ${load}`);
  const enter = async (server: BenchServer, adaptive: boolean) => {
    await sleep(1500);
    const idle = memoryOf(server.pid).rss;
    contenders.push({ server, adaptive, report: { name: server.name, startupMs: server.startupMs, idle, after: idle, phases: [] } });
  };
  try {
    if (o.only.includes('embedded')) await enter(await startLockerDesk('embedded', {}, o.cpuProf), true);
    if (o.only.includes('redis')) {
      if (!process.env.REDIS_URL) redis = await startRedis();
      redisPrefix = `ld-bench-${randomBytes(4).toString('hex')}:`;
      await enter(await startLockerDesk('redis', { REDIS_URL: process.env.REDIS_URL ?? redis!.url, REDIS_PREFIX: redisPrefix, DIRECTLINE_TOKEN_KEY: randomBytes(32).toString('hex') }, o.cpuProf), true);
    }
    if (o.only.includes('apart')) {
      carrier = await startSandboxCarrier();
      await enter(await startLockerDesk('apart', {}, o.cpuProf, carrier), true);
    }
    if (o.only.includes('dialog')) await enter(await startDialogBot(o.cpuProf), false);
    if (o.only.includes('dialog') && redisPrefix) await enter(await startDialogBot(o.cpuProf, { url: process.env.REDIS_URL ?? redis!.url, prefix: `${redisPrefix}dialog:` }), false);
    if (o.only.includes('echo')) await enter(await startEcho(o.cpuProf), false);
    await runRounds(contenders, connector, parcels, o);
    const embedded = contenders.find((c) => c.server.name === 'embedded');
    if (embedded) await extras(embedded, connector, parcels, o);
    if (redisPrefix) await redisRoundTrips(process.env.REDIS_URL ?? redis!.url, redisPrefix, connector, parcels, o);
  } finally {
    for (const c of contenders) await stopServer(c.server);
    if (carrier) await stopServer(carrier);
    if (process.env.REDIS_URL && redisPrefix) await removePrefix(process.env.REDIS_URL, redisPrefix);
    await connector.close();
    await redis?.close();
    agent.destroy();
  }

  const reports = contenders.map((c) => c.report);
  const echo = reports.find((r) => r.name === ECHO);
  const dialogs = { memory: reports.find((r) => r.name === DIALOG), redis: reports.find((r) => r.name === DIALOG_REDIS) };
  console.log('\nsummary');
  for (const concurrency of o.concurrency) {
    const echoPhases = echo?.phases.filter((x) => x.concurrency === concurrency) ?? [];
    const e = echoPhases.length ? meanOf(echoPhases) : undefined;
    for (const r of reports) {
      if (r === echo) {
        if (!e) continue;
        const drift = echoPhases.length > 1 ? `   (mean of its phases in the round: ${echoPhases.map((x) => figures(x).tps.toFixed(0)).join(', ')} turns/s)` : '';
        console.log(`  ${r.name.padEnd(12)} ${String(concurrency).padStart(3)}: ${fmtFig(e.figures)}   CPU ${e.cpuMsPerTurn.toFixed(2)} ms/turn${drift}`);
        continue;
      }
      const p = r.phases.find((x) => x.concurrency === concurrency);
      if (!p) continue;
      const f = figures(p);
      const ratio = e
        ? `   ×echo: turns/s ${(f.tps / e.figures.tps).toFixed(2)}, p99 ${(f.p99 / Math.max(1, e.figures.p99)).toFixed(2)} (first reply ${(f.replyP99 / Math.max(1, e.figures.replyP99)).toFixed(2)}), CPU/turn echo÷this ${(e.cpuMsPerTurn / Math.max(0.001, p.cpuMsPerTurn)).toFixed(2)}`
        : '';
      // LockerDesk against the SDK's bare stateful dialog turn on the same kind of store: what its own work costs beyond the framework's.
      const dialog = r.name === 'redis' ? dialogs.redis : dialogs.memory;
      const d = r.name !== DIALOG && r.name !== DIALOG_REDIS ? dialog?.phases.find((x) => x.concurrency === concurrency) : undefined;
      const byDialog = d && dialog
        ? `; ×${dialog.name}: turns/s ${(f.tps / figures(d).tps).toFixed(2)}, p99 ${(f.p99 / Math.max(1, figures(d).p99)).toFixed(2)}, CPU/turn dialog÷this ${(d.cpuMsPerTurn / Math.max(0.001, p.cpuMsPerTurn)).toFixed(2)}`
        : '';
      console.log(`  ${r.name.padEnd(12)} ${String(p.concurrency).padStart(3)}: ${fmtFig(f)}   CPU ${p.cpuMsPerTurn.toFixed(2)} ms/turn${ratio}${byDialog}`);
    }
  }
  for (const r of reports) {
    const live = r.live !== undefined ? `, +${o.live} live conversations ${mib(r.live)}` : '';
    const fresh = r.fresh ? `; a fresh server: idle ${mib(r.fresh.idle)}, with ${o.live} live conversations ${mib(r.fresh.live)}` : '';
    console.log(`  ${r.name.padEnd(12)} RSS idle ${mib(r.idle)}, after ${mib(r.after)}${live}${fresh}; start-up to /healthz ${r.startupMs.toFixed(0)} ms`);
  }
  console.log(`  load average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

async function removePrefix(url: string, prefix: string): Promise<void> {
  const { connectRedis } = await import('../services/state/redisClient');
  const { isCluster } = await import('../services/state/redisClient');
  const client = await connectRedis(url, {});
  for (const node of isCluster(client) ? client.nodes('master') : [client]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const k of keys) await node.del(k);
    } while (cursor !== '0');
  }
  await client.quit();
}

main().catch((err) => {
  console.error('bench failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
