/** The web page's token route, against a local stand-in for Azure's Direct Line and in embedded mode. */
import { createServer, type IncomingMessage, type Server as HttpServer } from 'http';
import type { AddressInfo } from 'net';
import * as restify from 'restify';
import {
  ConversationQuota,
  DirectLineKeys,
  OriginPolicy,
  VisitorIds,
  registerTokenExchange,
  type TokenExchangeOptions,
  type TokenExchangeReply,
} from '../../../../bots/channels/directline';
import { silent, startHarness } from './harness';

const SECRET = 'azure-direct-line-secret-value';
const PAGE = 'https://pakuotes.example.lt';

interface AzureStandIn {
  url: string;
  calls: { path: string; authorization?: string; body: unknown }[];
  failWith?: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}

/** Behaves like Azure's tokens/generate and tokens/refresh for one secret. */
async function startAzureStandIn(): Promise<AzureStandIn> {
  const standIn: AzureStandIn = { url: '', calls: [], close: async () => undefined };
  let n = 0;
  const server: HttpServer = createServer(async (req, res) => {
    const body = await readBody(req);
    standIn.calls.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    const reply = (status: number, payload: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (standIn.failWith) return reply(standIn.failWith, { error: { code: 'ServiceError', message: 'down' } });
    if (req.method === 'POST' && req.url === '/v3/directline/tokens/generate') {
      if (req.headers.authorization !== `Bearer ${SECRET}`) return reply(403, { error: { code: 'BadArgument', message: 'bad secret' } });
      n += 1;
      return reply(200, { conversationId: `azconv${n}`, token: `aztoken${n}`, expires_in: 1800 });
    }
    if (req.method === 'POST' && req.url === '/v3/directline/tokens/refresh') {
      const m = /^Bearer (aztoken\d+)$/.exec(req.headers.authorization ?? '');
      if (!m) return reply(403, { error: { code: 'TokenExpired', message: 'expired' } });
      return reply(200, { conversationId: 'azconv1', token: `${m[1]}r`, expires_in: 1800 });
    }
    reply(404, { error: { code: 'NotFound', message: 'no' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.close = () => new Promise<void>((r) => server.close(() => r()));
  return standIn;
}

const visitors = new VisitorIds(new DirectLineKeys('exchange-test-key-0123456789abcdef').visitor);

/** The token route alone (Azure mode), with the given allowed page origins. */
async function startExchange(allowed: string[], options: Partial<TokenExchangeOptions>): Promise<{ url: string; close(): Promise<void> }> {
  const server = restify.createServer();
  registerTokenExchange(server, {
    origins: new OriginPolicy({ allowedOrigins: allowed, listeningPort: () => undefined }),
    visitors,
    quota: new ConversationQuota(),
    logger: silent,
    ...options,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/directline/token`,
    close: async () => {
      server.server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('token exchange with an Azure secret', () => {
  let azure: AzureStandIn;
  let exchange: { url: string; close(): Promise<void> };
  beforeEach(async () => {
    azure = await startAzureStandIn();
    exchange = await startExchange([PAGE], { directLineSecret: SECRET, directLineUrl: `${azure.url}/v3/directline`, timeoutMs: 2000 });
  });
  afterEach(async () => {
    await exchange.close();
    await azure.close();
  });

  test('exchanges the secret for a token bound to a generated dl_ user id; the secret never leaves the server', async () => {
    const res = await fetch(exchange.url, { method: 'POST', headers: { Origin: PAGE } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    const reply = JSON.parse(text) as TokenExchangeReply;
    expect(reply).toMatchObject({ token: 'aztoken1', conversationId: 'azconv1', expires_in: 1800, domain: `${azure.url}/v3/directline` });
    expect(reply.userId).toMatch(/^dl_[A-Za-z0-9_-]{16,}$/);
    expect(azure.calls).toEqual([{ path: '/v3/directline/tokens/generate', authorization: `Bearer ${SECRET}`, body: { user: { id: reply.userId } } }]);
  });

  test('keeps a returning visitor’s id only with its signed credential; a chosen id never reaches Azure', async () => {
    const ask = (body: object) => fetch(exchange.url, { method: 'POST', headers: { Origin: PAGE, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const first = (await (await ask({})).json()) as TokenExchangeReply;
    const back = (await (await ask({ visitor: first.visitor })).json()) as TokenExchangeReply;
    expect(back.userId).toBe(first.userId);
    const chosen = (await (await ask({ userId: 'dl_returning_42' })).json()) as TokenExchangeReply;
    expect(chosen.userId).not.toBe('dl_returning_42');
    expect(azure.calls.map((c) => c.body)).toEqual([{ user: { id: first.userId } }, { user: { id: first.userId } }, { user: { id: chosen.userId } }]);
    expect((await ask({ visitor: 42 })).status).toBe(400);
    expect(azure.calls).toHaveLength(3);
  });

  test('refuses foreign or missing origins without calling Azure', async () => {
    expect((await fetch(exchange.url, { method: 'POST', headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(exchange.url, { method: 'POST' })).status).toBe(403);
    const preflight = await fetch(exchange.url, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(exchange.url, { method: 'OPTIONS', headers: { Origin: PAGE } })).status).toBe(204);
    expect(azure.calls).toHaveLength(0);
  });

  test('refresh goes to Azure with the token; an Azure failure is a 502, a rejected token a 403', async () => {
    const refreshed = await fetch(`${exchange.url}/refresh`, { method: 'POST', headers: { Origin: PAGE, Authorization: 'Bearer aztoken7' } });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as TokenExchangeReply).token).toBe('aztoken7r');
    expect(azure.calls[0]).toMatchObject({ path: '/v3/directline/tokens/refresh', authorization: 'Bearer aztoken7' });
    expect((await fetch(`${exchange.url}/refresh`, { method: 'POST', headers: { Origin: PAGE, Authorization: 'Bearer stale' } })).status).toBe(403);
    expect((await fetch(`${exchange.url}/refresh`, { method: 'POST', headers: { Origin: PAGE } })).status).toBe(401);
    azure.failWith = 500;
    const down = await fetch(exchange.url, { method: 'POST', headers: { Origin: PAGE } });
    expect(down.status).toBe(502);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe('UpstreamError');
  });

  test('an unreachable Direct Line is a 502', async () => {
    const dead = await startExchange(['*'], { directLineSecret: SECRET, directLineUrl: 'http://127.0.0.1:9/v3/directline', timeoutMs: 1000 });
    try {
      expect((await fetch(dead.url, { method: 'POST', headers: { Origin: 'https://any.example' } })).status).toBe(502);
    } finally {
      await dead.close();
    }
  });
});

describe('token exchange without a secret (embedded Direct Line)', () => {
  test('issues an embedded token the page uses with the returned domain', async () => {
    const h = await startHarness({ allowedOrigins: [PAGE] });
    try {
      const res = await fetch(`${h.origin}/api/directline/token`, { method: 'POST', headers: { Origin: PAGE } });
      expect(res.status).toBe(200);
      const reply = (await res.json()) as TokenExchangeReply;
      expect(reply.domain).toBe(h.domain);
      expect(reply.userId).toMatch(/^dl_/);
      const start = await fetch(`${reply.domain}/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${reply.token}` } });
      expect(start.status).toBe(201);
      expect(((await start.json()) as { conversationId: string }).conversationId).toBe(reply.conversationId);

      const refreshed = await fetch(`${h.origin}/api/directline/token/refresh`, { method: 'POST', headers: { Origin: PAGE, Authorization: `Bearer ${reply.token}` } });
      expect(refreshed.status).toBe(200);
      const r = (await refreshed.json()) as TokenExchangeReply;
      expect(r).toMatchObject({ conversationId: reply.conversationId, userId: reply.userId, domain: h.domain });
      expect((await fetch(`${h.origin}/api/directline/token/refresh`, { method: 'POST', headers: { Origin: PAGE, Authorization: 'Bearer junk' } })).status).toBe(403);
    } finally {
      await h.close();
    }
  });
});
