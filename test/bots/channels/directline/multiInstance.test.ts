/**
 * The embedded Direct Line on two real bot processes (`node dist/index.js`) sharing one Redis,
 * with no sticky routing (issue #12, "Several instances"): every request of one conversation goes
 * to whichever instance the test picks. A conversation started on A continues on B (post on B,
 * stream on A, reconnect with a watermark on B), an agent's reply reaches the customer's socket on
 * the other instance, and after both processes are killed and restarted nothing is lost.
 */
import { hashPassword } from '../../../../services/handoff/agentAuth';
import { SANDBOX_FIXTURES as F } from '../../../../services/carrier/sandbox/fixtures';
import type { RedisClient } from '../../../../services/state/redisClient';
import { LINES } from '../../../dialogs/testData';
import { connectTestRedis, deleteKeysWithPrefix, freePort, randomPrefix, testRedisUrl } from '../../../setup/redis';
import { SCRIPTED_CLIENT_ENV } from '../../../support/fairUse';
import { AgentClient, waitUntil } from '../../handoff/http';
import { ensureBuilt, startBotProcess, waitHealthy, type BotProcess } from '../../handoff/processes';
import { auth, json, openSocket, type Frame, type SeenActivity, type Started } from './rawClient';

jest.setTimeout(360_000);

const L = LINES.lt;
/** The carrier's page that embeds the widget: served by neither instance, allowed by both. */
const PAGE = 'http://shop.pastomatai.test';
const prefix = randomPrefix();
let redis: RedisClient;
let env: Record<string, string>;
let a: BotProcess;
let b: BotProcess;
let portA: number;
let portB: number;

const domain = (p: BotProcess) => `${p.url}/v3/directline`;

interface Conv {
  conversationId: string;
  token: string;
}

async function tokenFrom(p: BotProcess): Promise<{ token: string; conversationId: string; userId: string }> {
  const res = await fetch(`${p.url}/api/directline/token`, { method: 'POST', headers: { ...json, Origin: PAGE }, body: '{}' });
  if (res.status !== 200) throw new Error(`token route on ${p.url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { token: string; conversationId: string; userId: string };
}

/** Posts a message on the given instance; resolves when that instance's bot turn is done. */
async function say(p: BotProcess, conv: Conv, text: string): Promise<string> {
  const res = await fetch(`${domain(p)}/conversations/${conv.conversationId}/activities`, {
    method: 'POST',
    headers: { ...json, ...auth(conv.token), Origin: PAGE },
    body: JSON.stringify({ type: 'message', text, locale: 'lt-LT', from: { id: 'ignored' } }),
  });
  if (res.status !== 200) throw new Error(`POST activities on ${p.url} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function page(p: BotProcess, conv: Conv, watermark?: number): Promise<{ activities: SeenActivity[]; watermark: string }> {
  const mark = watermark === undefined ? '' : `?watermark=${watermark}`;
  const res = await fetch(`${domain(p)}/conversations/${conv.conversationId}/activities${mark}`, { headers: { ...auth(conv.token), Origin: PAGE } });
  if (res.status !== 200) throw new Error(`GET activities on ${p.url} answered ${res.status}`);
  return (await res.json()) as { activities: SeenActivity[]; watermark: string };
}

/** What directlinejs does to resume: GET the conversation with its watermark, then open the streamUrl it is given. */
async function reconnect(p: BotProcess, conv: Conv, watermark: number) {
  const res = await fetch(`${domain(p)}/conversations/${conv.conversationId}?watermark=${watermark}`, { headers: { ...auth(conv.token), Origin: PAGE } });
  if (res.status !== 200) throw new Error(`reconnect on ${p.url} answered ${res.status}`);
  const body = (await res.json()) as Started;
  expect(body.streamUrl.startsWith(`ws://127.0.0.1:${p.port}/`)).toBe(true);
  return { ...(await openSocket(body.streamUrl, { Origin: PAGE })), token: body.token };
}

const seen = (frames: Frame[]) => frames.flatMap((f) => f.activities);
const botTexts = (frames: Frame[]) => seen(frames).filter((x) => x.from.role === 'bot' && x.type === 'message').map((x) => x.text ?? '');
const lastMark = (frames: Frame[]) => Math.max(-1, ...frames.filter((f) => f.watermark !== undefined).map((f) => Number(f.watermark)));

async function startBoth(): Promise<void> {
  a = startBotProcess(portA, env);
  b = startBotProcess(portB, env);
  await Promise.all([waitHealthy(a), waitHealthy(b)]);
}

beforeAll(async () => {
  ensureBuilt();
  redis = await connectTestRedis();
  const agents = [{ id: 'alice', name: 'Alice', role: 'agent', passwordHash: await hashPassword('alice-secret', { N: 1024, r: 8, p: 1 }) }];
  env = {
    ...SCRIPTED_CLIENT_ENV,
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: prefix,
    DIRECTLINE_TOKEN_KEY: 'multi-instance-key-'.repeat(2),
    DIRECTLINE_ALLOWED_ORIGINS: PAGE,
    AGENTS: JSON.stringify(agents),
  };
  [portA, portB] = [await freePort(), await freePort()];
  await startBoth();
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (redis) {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  }
});

test('started on A, posted on B, streamed on A, resumed with a watermark on B; both killed and restarted: nothing lost', async () => {
  const t = await tokenFrom(a);
  const start = await fetch(`${domain(a)}/conversations`, { method: 'POST', headers: { ...json, ...auth(t.token), Origin: PAGE }, body: JSON.stringify({ locale: 'lt-LT' }) });
  expect(start.status).toBe(201);
  const started = (await start.json()) as Started;
  const conv: Conv = { conversationId: started.conversationId, token: started.token };

  const onA = await openSocket(started.streamUrl, { Origin: PAGE });
  await waitUntil(() => (botTexts(onA.frames).length > 0 ? true : undefined), 20_000, 'the welcome on the socket on A');
  const welcome = botTexts(onA.frames);

  const posted = await say(b, conv, 'labas');
  // B ran the turn; its replies are logged in Redis and fanned out to the socket on A.
  await waitUntil(() => (seen(onA.frames).some((x) => x.id === posted) && botTexts(onA.frames).length > welcome.length ? true : undefined), 20_000, 'the turn run on B, streamed on A');
  const ids = seen(onA.frames).map((x) => x.id);
  expect(new Set(ids).size).toBe(ids.length);
  const mark = lastMark(onA.frames);
  expect(mark).toBeGreaterThan(0);
  onA.ws.close();

  // Something happens while the customer is away: a message posted on A.
  const away = await say(a, conv, 'ar dar čia?');
  const onB = await reconnect(b, conv, mark);
  await waitUntil(() => (seen(onB.frames).some((x) => x.id === away) && botTexts(onB.frames).length > 0 ? true : undefined), 20_000, 'the backlog after the watermark on B');
  const resumed = seen(onB.frames);
  expect(resumed.filter((x) => x.type !== 'typing').every((x) => Number(x.id.split('|')[1]) > mark)).toBe(true);
  expect(resumed.map((x) => x.id)).not.toEqual(expect.arrayContaining([posted]));
  const beforeRestart = await page(a, conv);
  expect(beforeRestart.activities.map((x) => x.id)).toEqual((await page(b, conv)).activities.map((x) => x.id));
  onB.ws.close();

  await Promise.all([a.kill(), b.kill()]);
  await startBoth();

  // Same conversation, same token, same log and watermark on both restarted instances; no second welcome.
  const afterRestart = await page(b, conv);
  expect(afterRestart.watermark).toBe(beforeRestart.watermark);
  expect(afterRestart.activities).toEqual(beforeRestart.activities);
  const again = await reconnect(a, conv, Number(beforeRestart.watermark));
  const next = await say(b, conv, 'ačiū');
  await waitUntil(() => (seen(again.frames).some((x) => x.id === next) && botTexts(again.frames).length > 0 ? true : undefined), 20_000, 'a turn on restarted B streamed on restarted A');
  expect(Number(next.split('|')[1])).toBeGreaterThan(Number(beforeRestart.watermark));
  expect(botTexts(again.frames)).not.toEqual(expect.arrayContaining(welcome));
  const refreshed = await fetch(`${domain(b)}/tokens/refresh`, { method: 'POST', headers: { ...auth(again.token), Origin: PAGE } });
  expect(refreshed.status).toBe(200);
  again.ws.close();
});

test("an agent's reply on B reaches the customer's socket on A", async () => {
  const t = await tokenFrom(b);
  const start = await fetch(`${domain(b)}/conversations`, { method: 'POST', headers: { ...json, ...auth(t.token), Origin: PAGE }, body: JSON.stringify({ locale: 'lt-LT' }) });
  const conv: Conv = { conversationId: t.conversationId, token: ((await start.json()) as Started).token };
  const onA = await reconnect(a, conv, 0);
  for (const line of [L.agent, F.inLocker.trackingNumber, 'paštomatas sugadino siuntą, prašau padėti', L.skip]) await say(b, conv, line);
  const caseId = await waitUntil(() => /C-\d{6}-\d{4}/.exec(botTexts(onA.frames).join('\n'))?.[0], 20_000, 'the case id on the socket on A');

  const agent = new AgentClient(() => b.url);
  expect((await agent.login('alice', 'alice-secret')).status).toBe(200);
  expect((await agent.post(`/cases/${caseId}/claim`)).status).toBe(200);
  const reply = 'Sveiki, čia Alice iš kito serverio';
  expect((await agent.post(`/cases/${caseId}/messages`, { text: reply })).status).toBe(200);
  await waitUntil(() => (botTexts(onA.frames).includes(reply) ? true : undefined), 20_000, "the agent's reply on the socket on A");
  const ids = seen(onA.frames).map((x) => x.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect((await agent.post(`/cases/${caseId}/close`, { resolution: 'solved' })).status).toBe(200);
  onA.ws.close();
});
