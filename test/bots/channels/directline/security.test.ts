/**
 * The embedded Direct Line played as an attacker through its real HTTP and WebSocket surface
 * (issue #8, findings 2, 4, 10 and 16). Every test asserts what the attacker receives.
 */
import { request } from 'http';
import type { Middleware } from 'botbuilder';
import { DirectLineKeys } from '../../../../bots/channels/directline';
import { createMessages } from '../../../../services/i18n/messages';
import { startHarness, waitFor, type Harness } from './harness';
import { PNG, activities, auth, claimsOf, json, openSocket, post, startConversation, texts, upload, type Started } from './rawClient';

const messages = createMessages();

/** A request with a Host header of our choosing (fetch does not allow setting it). */
function rawRequest(url: string, o: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('finding 2: nothing of the server or of another conversation reaches a client', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('a hand-off (relatesTo, references in channel data, value, cards and entities) reaches the client without any of them, over GET and WebSocket', async () => {
    const victim = await startConversation(h);
    await post(h, victim, JSON.stringify({ type: 'message', text: 'handoff' }));
    const attacker = await startConversation(h);
    const { ws, frames, raw } = await openSocket(attacker.streamUrl);
    await post(h, attacker, JSON.stringify({ type: 'message', text: 'handoff' }));
    await h.proactive(attacker.conversationId, 'agent: hello');
    await waitFor(() => frames.flatMap((f) => f.activities).some((a) => a.text === 'agent: hello'), 5000, 'proactive reply on the socket');
    ws.close();
    const page = await fetch(`${h.domain}/conversations/${attacker.conversationId}/activities`, { headers: auth(attacker.token) });
    const seen = [...raw, await page.text()].join('\n');

    for (const forbidden of ['serviceUrl', 'relatesTo', 'lockerdesk.invalid', 'conversationReference', 'recipient', 'callerId', victim.conversationId, victim.userId, '/connector/']) {
      expect({ forbidden, found: seen.includes(forbidden) }).toEqual({ forbidden, found: false });
    }
    const received = frames.flatMap((f) => f.activities);
    const initiate = received.find((a) => a.type === 'event');
    expect(initiate).toMatchObject({ name: 'handoff.initiate', value: { caseId: 'C-1', position: 1 }, conversation: { id: attacker.conversationId } });
    const caseOpened = received.find((a) => a.text === 'case opened');
    expect(caseOpened?.channelData).toBeUndefined();
    expect(caseOpened?.value).toEqual({ nested: {} });
    expect(received.find((a) => a.text === 'card')?.attachments).toEqual([{ contentType: 'application/vnd.microsoft.card.hero', content: { title: 'T' } }]);
    for (const a of received) {
      expect(Object.keys(a).every((k) => ['type', 'id', 'timestamp', 'channelId', 'conversation', 'from', 'locale', 'text', 'textFormat', 'attachments', 'entities', 'name', 'value', 'replyToId', 'channelData', 'suggestedActions', 'inputHint', 'speak', 'attachmentLayout', 'valueType', 'localTimestamp', 'localTimezone', 'summary', 'importance'].includes(k))).toBe(true);
      expect(a.conversation).toEqual({ id: attacker.conversationId });
    }
  });

  test('the old connector routes are gone: posting a fake bot message to them is a 404 that names nothing, and the victim sees nothing', async () => {
    const victim = await startConversation(h);
    const spoof = JSON.stringify({ type: 'message', text: 'pay 1.99 EUR here', from: { id: 'lockerdesk', role: 'bot' } });
    for (const [method, path] of [
      ['POST', `/connector/x/v3/conversations/${victim.conversationId}/activities`],
      ['POST', `/connector/${'k'.repeat(32)}/v3/conversations/${victim.conversationId}/activities/abc`],
      ['PUT', `/connector/${'k'.repeat(32)}/v3/conversations/${victim.conversationId}/activities/abc`],
      ['GET', `/connector/${'k'.repeat(32)}/v3/conversations/${victim.conversationId}/members`],
      ['DELETE', `/connector/${'k'.repeat(32)}/v3/conversations/${victim.conversationId}/activities/abc`],
    ]) {
      const res = await fetch(`${h.domain}${path}`, { method, headers: json, body: method === 'GET' || method === 'DELETE' ? undefined : spoof });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(await res.text()).toBe('{"error":{"code":"NotFound","message":"not found"}}');
    }
    expect((await texts(h, victim)).join('\n')).not.toContain('pay');
  });

  test('an activity posted to /api/messages with the embedded serviceUrl and the victim’s conversation id writes nothing into it', async () => {
    const victim = await startConversation(h);
    const before = await texts(h, victim);
    const res = await fetch(`${h.origin}/api/messages`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        type: 'message',
        id: 'x1',
        channelId: 'directline',
        serviceUrl: 'https://directline.lockerdesk.invalid/',
        conversation: { id: victim.conversationId },
        from: { id: 'dl_attacker', role: 'user' },
        recipient: { id: 'lockerdesk', role: 'bot' },
        text: 'pay 1.99 EUR here',
      }),
    });
    expect(res.status).toBeGreaterThanOrEqual(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(await texts(h, victim)).toEqual(before);
  });

  test('uploads are typed by their bytes: disguised files are refused with a polite note in the customer’s language; limits per conversation', async () => {
    const conv = await startConversation(h, { locale: 'en-US' });
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const disguised = await upload(h, conv, { name: 'photo.png', type: 'image/png', data: html });
    expect(disguised.status).toBe(415);
    expect(await disguised.text()).toBe('{"error":{"code":"UnsupportedMediaType","message":"only JPEG, PNG, GIF, WebP images and PDF files are accepted"}}');
    expect(await texts(h, conv)).toContain(`bot:${messages.t('en', 'directline.uploadType')}`);

    const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1');
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00', 'latin1');
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
    const jpeg = Buffer.from('ffd8ffe000104a46494600', 'hex');
    for (const [name, data, type] of [['a.pdf', pdf, 'application/pdf'], ['b.gif', gif, 'image/gif'], ['c.webp', webp, 'image/webp'], ['d.txt', jpeg, 'image/jpeg'], ['e.png', PNG, 'image/png']] as const) {
      const res = await upload(h, conv, { name, type: 'text/plain', data });
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      const served = (await activities(h, conv)).flatMap((a) => a.attachments ?? []).find((a) => a.name === name);
      expect(served?.contentType).toBe(type);
    }
    const sixth = await upload(h, conv, { name: 'f.png', type: 'image/png', data: PNG });
    expect(sixth.status).toBe(413);
    expect(await texts(h, conv)).toContain(`bot:${messages.t('en', 'directline.uploadCount')}`);
    expect((await activities(h, conv)).flatMap((a) => a.attachments ?? []).map((a) => a.name)).not.toContain('f.png');
  });

  test('a client cannot attach someone else’s upload, nor an arbitrary URL, to its message', async () => {
    const victim = await startConversation(h);
    await upload(h, victim, { name: 'id-card.png', type: 'image/png', data: PNG });
    const victimUrl = (await activities(h, victim)).flatMap((a) => a.attachments ?? [])[0]?.contentUrl ?? '';
    expect(victimUrl).toMatch(/\/attachments\//);
    const attacker = await startConversation(h);
    for (const contentUrl of [victimUrl, 'https://tracker.example/pixel.gif']) {
      const res = await post(h, attacker, JSON.stringify({ type: 'message', text: 'look', attachments: [{ contentType: 'image/png', contentUrl }] }));
      expect({ contentUrl, status: res.status }).toEqual({ contentUrl, status: 400 });
    }
    expect(h.bot.seen.some((s) => s.text === 'look')).toBe(false);
  });
});

describe('in-process delivery runs through every middleware, also in proactive turns', () => {
  test('a middleware that answers on its own (as the hand-off middleware does while queued) is delivered; send handlers see every reply; proactive turns run the middleware', async () => {
    const sent: string[] = [];
    const turns: string[] = [];
    const recorder: Middleware = {
      onTurn: async (ctx, next) => {
        turns.push(`${ctx.activity.type}:${ctx.activity.name ?? ctx.activity.text ?? ''}`);
        ctx.onSendActivities(async (_c, acts, nextSend) => {
          const r = await nextSend();
          for (const a of acts) if (a.text) sent.push(a.text);
          return r;
        });
        await next();
      },
    };
    const queued: Middleware = {
      onTurn: async (ctx, next) => {
        if (ctx.activity.text === 'queued') {
          await ctx.sendActivity('added to your case, position 1');
          return;
        }
        await next();
      },
    };
    const h = await startHarness({ middleware: [recorder, queued] });
    try {
      const conv = await startConversation(h);
      expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'queued' }))).status).toBe(200);
      await h.proactive(conv.conversationId, 'agent reply');
      expect((await texts(h, conv)).slice(1)).toEqual(['user:queued', 'bot:added to your case, position 1', 'bot:agent reply']);
      expect(sent).toEqual([expect.stringMatching(/^welcome/), 'added to your case, position 1', 'agent reply']);
      expect(turns).toContain('event:ContinueConversation');
    } finally {
      await h.close();
    }
  });
});

describe('finding 4: user ids are issued by the server and cannot be forged', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('a returning visitor keeps the id only with its signed credential; a bare, forged or altered one gets a new id', async () => {
    const victim = await h.token();
    expect(victim.visitor).toMatch(/^v1\.dl_[A-Za-z0-9_-]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    const back = await h.token({ visitor: victim.visitor });
    expect(back.userId).toBe(victim.userId);
    expect(claimsOf(back.token).user).toBe(victim.userId);
    expect(back.conversationId).not.toBe(victim.conversationId);

    const sig = (victim.visitor ?? '').split('.')[3];
    const altered = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    for (const body of [
      { userId: victim.userId },
      { visitor: victim.userId },
      { visitor: `v1.${victim.userId}.${(victim.visitor ?? '').split('.')[2]}.${altered}` },
      { visitor: `v1.${victim.userId}.zzzzzz.${sig}` },
      { visitor: `v1.dl_${'A'.repeat(22)}.${(victim.visitor ?? '').split('.')[2]}.${sig}` },
    ]) {
      const got = await h.token(body);
      expect({ body, same: got.userId === victim.userId }).toEqual({ body, same: false });
      expect(claimsOf(got.token).user).toBe(got.userId);
      expect(got.userId).toMatch(/^dl_[A-Za-z0-9_-]{22}$/);
    }
    const other = await startHarness({ keys: new DirectLineKeys('another-deployment-key-000000000') });
    try {
      expect((await other.token({ visitor: victim.visitor })).userId).not.toBe(victim.userId);
    } finally {
      await other.close();
    }
  });

  test('Direct Line itself never takes a user id from a browser: no token-less start, no tokens/generate, no from.id', async () => {
    const victim = await startConversation(h);
    expect((await fetch(`${h.domain}/conversations`, { method: 'POST', headers: json, body: JSON.stringify({ user: { id: victim.userId } }) })).status).toBe(401);
    expect((await fetch(`${h.domain}/conversations`, { method: 'POST', headers: { ...json, ...auth('guess') }, body: '{}' })).status).toBe(403);
    expect((await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: json, body: JSON.stringify({ user: { id: victim.userId } }) })).status).toBe(401);
    expect((await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: { ...json, ...auth('guess') }, body: '{}' })).status).toBe(403);

    const t = await h.token();
    const start = await fetch(`${h.domain}/conversations`, { method: 'POST', headers: { ...json, ...auth(t.token) }, body: JSON.stringify({ user: { id: victim.userId, name: 'LockerDesk' } }) });
    expect(start.status).toBe(201);
    const conv = (await start.json()) as Started;
    await post(h, conv, JSON.stringify({ type: 'message', text: 'hi', from: { id: victim.userId, name: 'LockerDesk', role: 'bot' } }));
    const mine = (await activities(h, conv)).find((a) => a.text === 'hi');
    expect(mine?.from).toEqual({ id: t.userId, role: 'user' });
    expect(h.bot.seen.filter((s) => s.text === 'hi').map((s) => s.fromId)).toEqual([t.userId]);
  });
});

describe('finding 10: page origins are enforced on every Direct Line route', () => {
  test('a page of a foreign origin gets 403 and no CORS header anywhere; allowed origins get their own origin back, never *', async () => {
    const h = await startHarness({ allowedOrigins: ['https://shop.example.lt'] });
    try {
      const conv = await startConversation(h);
      const evil = { Origin: 'https://evil.example' };
      const calls: [string, string, Record<string, string>, string?][] = [
        ['POST', `${h.origin}/api/directline/token`, json, '{}'],
        ['OPTIONS', `${h.origin}/api/directline/token`, { 'Access-Control-Request-Method': 'POST' }],
        ['POST', `${h.domain}/conversations`, { ...json, ...auth(conv.token) }, '{}'],
        ['POST', `${h.domain}/tokens/generate`, json, '{}'],
        ['POST', `${h.domain}/tokens/refresh`, auth(conv.token)],
        ['GET', `${h.domain}/conversations/${conv.conversationId}`, auth(conv.token)],
        ['GET', `${h.domain}/conversations/${conv.conversationId}/activities`, auth(conv.token)],
        ['POST', `${h.domain}/conversations/${conv.conversationId}/activities`, { ...json, ...auth(conv.token) }, '{"type":"message","text":"x"}'],
        ['POST', `${h.domain}/conversations/${conv.conversationId}/upload`, { ...auth(conv.token), 'Content-Type': 'multipart/form-data; boundary=b' }, '--b--'],
        ['OPTIONS', `${h.domain}/conversations/${conv.conversationId}/activities`, { 'Access-Control-Request-Method': 'POST' }],
      ];
      for (const [method, url, headers, body] of calls) {
        const res = await fetch(url, { method, headers: { ...headers, ...evil }, body });
        expect({ method, url, status: res.status, acao: res.headers.get('access-control-allow-origin') }).toEqual({ method, url, status: 403, acao: null });
        expect(await res.text()).not.toContain(conv.token);
      }
      await expect(openSocket(conv.streamUrl, evil)).rejects.toThrow('HTTP 403');
      expect(h.bot.seen.some((s) => s.text === 'x')).toBe(false);

      for (const origin of ['https://shop.example.lt', h.origin, h.origin.replace('127.0.0.1', 'localhost')]) {
        const pre = await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
        expect({ origin, status: pre.status, acao: pre.headers.get('access-control-allow-origin') }).toEqual({ origin, status: 204, acao: origin });
        const res = await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { headers: { ...auth(conv.token), Origin: origin } });
        expect({ origin, status: res.status, acao: res.headers.get('access-control-allow-origin') }).toEqual({ origin, status: 200, acao: origin });
      }
      const { ws } = await openSocket(conv.streamUrl, { Origin: 'https://shop.example.lt' });
      ws.close();
    } finally {
      await h.close();
    }
  });

  test('DIRECTLINE_ALLOWED_ORIGINS=* reflects the page origin instead of answering *', async () => {
    const h = await startHarness({ allowedOrigins: ['*'] });
    try {
      const res = await fetch(`${h.origin}/api/directline/token`, { method: 'POST', headers: { Origin: 'https://any.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://any.example');
      expect(res.headers.get('vary')).toMatch(/Origin/);
    } finally {
      await h.close();
    }
  });
});

describe('finding 16: Host does not decide URLs; tokens have an absolute lifetime', () => {
  test('without PUBLIC_URL a forged Host gets no URLs at all; loopback Hosts do', async () => {
    const h = await startHarness();
    try {
      const conv = await startConversation(h);
      const evilHost = { Host: 'evil.example', Origin: h.origin };
      const token = await rawRequest(`${h.origin}/api/directline/token`, { method: 'POST', headers: { ...evilHost, 'Content-Type': 'application/json' }, body: '{}' });
      const start = await rawRequest(`${h.domain}/conversations`, { method: 'POST', headers: { ...evilHost, ...auth(conv.token) } });
      const reconnect = await rawRequest(`${h.domain}/conversations/${conv.conversationId}`, { headers: { ...evilHost, ...auth(conv.token) } });
      for (const r of [token, start, reconnect]) {
        expect(r.status).toBe(403);
        expect(r.body).not.toContain('evil.example');
      }
      const up = await rawRequest(`${h.domain}/conversations/${conv.conversationId}/upload`, {
        method: 'POST',
        headers: { ...evilHost, ...auth(conv.token), 'Content-Type': 'multipart/form-data; boundary=b' },
        body: `--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${PNG.toString('latin1')}\r\n--b--\r\n`,
      });
      expect(up.status).toBe(403);
      expect(JSON.stringify(await activities(h, conv))).not.toContain('evil.example');

      const local = await rawRequest(`${h.origin}/api/directline/token`, { method: 'POST', headers: { Host: h.origin.replace('http://127.0.0.1', 'localhost'), Origin: h.origin } });
      expect(local.status).toBe(200);
      expect((JSON.parse(local.body) as { domain: string }).domain).toBe(`${h.origin.replace('127.0.0.1', 'localhost')}/v3/directline`);
    } finally {
      await h.close();
    }
  });

  test('with PUBLIC_URL every URL is built from it, whatever the Host', async () => {
    const h = await startHarness({ publicUrl: 'https://chat.pastomatai.example.lt' });
    try {
      const t = await rawRequest(`${h.origin}/api/directline/token`, { method: 'POST', headers: { Host: 'evil.example', Origin: 'https://chat.pastomatai.example.lt' } });
      expect(t.status).toBe(200);
      const reply = JSON.parse(t.body) as { domain: string; token: string; conversationId: string };
      expect(reply.domain).toBe('https://chat.pastomatai.example.lt/v3/directline');
      const start = await rawRequest(`${h.domain}/conversations`, { method: 'POST', headers: { Host: 'evil.example', ...auth(reply.token) } });
      expect((JSON.parse(start.body) as Started).streamUrl).toMatch(/^wss:\/\/chat\.pastomatai\.example\.lt\/v3\/directline\/conversations\//);
      await upload(h, reply, { name: 'a.png', type: 'image/png', data: PNG });
      const url = (await activities(h, reply)).flatMap((a) => a.attachments ?? [])[0]?.contentUrl;
      expect(url).toMatch(/^https:\/\/chat\.pastomatai\.example\.lt\/v3\/directline\/attachments\/[A-Za-z0-9_-]{43}$/);
      const fromLocalPage = await fetch(`${h.origin}/api/directline/token`, { method: 'POST', headers: { Origin: h.origin } });
      expect(fromLocalPage.status).toBe(403);
    } finally {
      await h.close();
    }
  });

  test('refreshes and reconnects keep the first issue time; past the absolute lifetime the token is refused', async () => {
    // The tokens' clock is moved forward instead of sleeping, so a loaded machine cannot push a step past a boundary.
    let skewMs = 0;
    const h = await startHarness({ tokenTtlSeconds: 60, tokenMaxLifetimeSeconds: 90, now: () => Date.now() + skewMs });
    try {
      const conv = await startConversation(h);
      const orig = claimsOf(conv.token).orig;
      skewMs = 40_000;
      const r1 = await fetch(`${h.domain}/tokens/refresh`, { method: 'POST', headers: auth(conv.token) });
      expect(r1.status).toBe(200);
      const t1 = (await r1.json()) as { token: string; expires_in: number };
      expect(claimsOf(t1.token).orig).toBe(orig);
      expect(t1.expires_in).toBeLessThanOrEqual(50);
      const re = await fetch(`${h.domain}/conversations/${conv.conversationId}`, { headers: auth(t1.token) });
      expect(re.status).toBe(200);
      const t2 = (await re.json()) as Started;
      expect(claimsOf(t2.token).orig).toBe(orig);
      expect(Number(claimsOf(t2.token).exp)).toBeLessThanOrEqual(Number(orig) + 90);
      skewMs = 80_000;
      const r3 = await fetch(`${h.domain}/tokens/refresh`, { method: 'POST', headers: auth(t2.token) });
      expect(r3.status).toBe(200);
      const t3 = (await r3.json()) as { token: string; expires_in: number };
      expect(claimsOf(t3.token).orig).toBe(orig);
      expect(t3.expires_in).toBeLessThanOrEqual(10);
      expect(Number(claimsOf(t3.token).exp)).toBeLessThanOrEqual(Number(orig) + 90);
      skewMs = 95_000;
      const late = await fetch(`${h.domain}/tokens/refresh`, { method: 'POST', headers: auth(t3.token) });
      expect(late.status).toBe(403);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe('TokenExpired');
      const lateExchange = await fetch(`${h.origin}/api/directline/token/refresh`, { method: 'POST', headers: { Origin: h.origin, ...auth(t3.token) } });
      expect(lateExchange.status).toBe(403);
      const lateReconnect = await fetch(`${h.domain}/conversations/${conv.conversationId}`, { headers: auth(t3.token) });
      expect(lateReconnect.status).toBe(403);
    } finally {
      await h.close();
    }
  }, 15000);
});
