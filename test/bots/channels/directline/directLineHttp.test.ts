/** The embedded Direct Line over raw HTTP and WebSocket: the contract and every bad-input case. */
import { startHarness, waitFor, type Harness } from './harness';
import { PNG, activities, auth, claimsOf, json, multipart, openSocket, post, startConversation, texts, upload, type Started } from './rawClient';

describe('embedded Direct Line, raw HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('start: the token route issues a conversation for a server-issued dl_ user; POST /conversations with it is 201, then 200', async () => {
    const t = await h.token();
    expect(t.userId).toMatch(/^dl_[A-Za-z0-9_-]{22}$/);
    expect(t.expires_in).toBe(1800);
    expect(claimsOf(t.token)).toMatchObject({ conv: t.conversationId, user: t.userId });
    expect(t.domain).toBe(h.domain);

    const res = await fetch(`${h.domain}/conversations`, { method: 'POST', headers: { ...json, ...auth(t.token) }, body: '{"locale":"lt-LT"}' });
    expect(res.status).toBe(201);
    const started = (await res.json()) as Started;
    expect(started.conversationId).toBe(t.conversationId);
    expect(started.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${started.conversationId}/stream\\?t=`));
    const again = await fetch(`${h.domain}/conversations`, { method: 'POST', headers: auth(t.token) });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Started).conversationId).toBe(t.conversationId);
    await waitFor(() => h.bot.seen.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.bot.seen.filter((s) => s.type === 'conversationUpdate')).toEqual([
      expect.objectContaining({ locale: 'lt-LT', fromId: t.userId, serviceUrl: 'https://directline.lockerdesk.invalid/' }),
    ]);
  });

  test('reconnect returns a new token and a streamUrl carrying the watermark; polling honours the watermark', async () => {
    const conv = await startConversation(h);
    expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'a' }))).status).toBe(200);
    expect(await texts(h, conv)).toEqual([expect.stringMatching(/^bot:welcome/), 'user:a', 'bot:echo: a']);

    const re = await fetch(`${h.domain}/conversations/${conv.conversationId}?watermark=2`, { headers: auth(conv.token) });
    expect(re.status).toBe(200);
    const body = (await re.json()) as Started;
    expect(body.streamUrl).toContain('watermark=2&t=');
    expect(body.token).not.toBe(conv.token);

    const page = await fetch(`${h.domain}/conversations/${conv.conversationId}/activities?watermark=2`, { headers: auth(body.token) });
    const after = (await page.json()) as { activities: { text: string }[]; watermark: string };
    expect(after.activities.map((a) => a.text)).toEqual(['echo: a']);
    expect(after.watermark).toBe('3');
    expect((await fetch(`${h.domain}/conversations/${conv.conversationId}/activities?watermark=abc`, { headers: auth(body.token) })).status).toBe(400);
  });

  test('WebSocket stream: backlog after the watermark, then live activities; bad tokens are refused', async () => {
    const conv = await startConversation(h);
    await post(h, conv, JSON.stringify({ type: 'message', text: 'first' }));
    const { ws, frames } = await openSocket(conv.streamUrl.replace('?t=', '?watermark=1&t='));
    await waitFor(() => frames.length >= 1);
    expect(frames[0].activities.map((a) => a.text)).toEqual(['first', 'echo: first']);
    expect(frames[0].watermark).toBe('3');
    await post(h, conv, JSON.stringify({ type: 'message', text: 'second' }));
    await waitFor(() => frames.flatMap((f) => f.activities).some((a) => a.text === 'echo: second'));
    expect(frames.flatMap((f) => f.activities).map((a) => a.text)).toEqual(['first', 'echo: first', 'second', 'echo: second']);
    ws.close();

    const other = await startConversation(h);
    await expect(openSocket(conv.streamUrl.replace(/t=.*/, `t=${other.token}`))).rejects.toThrow('HTTP 403');
    await expect(openSocket(conv.streamUrl.replace(/t=.*/, 't=garbage'))).rejects.toThrow('HTTP 403');
    await expect(openSocket(conv.streamUrl.replace(/\?.*/, ''))).rejects.toThrow('HTTP 401');
  });

  test('bad input gets the right status and a generic body, and leaves other conversations alone', async () => {
    const victim = await startConversation(h);
    const conv = await startConversation(h);
    const url = `${h.domain}/conversations/${conv.conversationId}/activities`;

    for (const body of ['{"type":"message",', JSON.stringify({ text: 'no type' }), JSON.stringify({ type: 42 }), '[1,2]', JSON.stringify({ type: 'conversationUpdate' }), JSON.stringify({ type: 'message', text: 7 }), JSON.stringify({ type: 'invoke', name: 'x' })]) {
      const res = await post(h, conv, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      const text = await res.text();
      expect(text).toMatch(/^\{"error":\{"code":"BadArgument","message":"(malformed request|request body is not valid JSON)"\}\}$/);
    }
    const huge = await post(h, conv, JSON.stringify({ type: 'message', text: 'x'.repeat(40 * 1024) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');

    expect((await fetch(url, { method: 'POST', headers: json, body: '{"type":"message"}' })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { ...json, Authorization: 'Basic abc' }, body: '{"type":"message"}' })).status).toBe(401);
    expect((await post(h, conv, '{"type":"message"}', 'not.a.token')).status).toBe(403);
    const forged = conv.token.slice(0, -4) + (conv.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await post(h, conv, '{"type":"message"}', forged)).status).toBe(403);
    expect((await fetch(`${h.domain}/conversations/${victim.conversationId}/activities`, { headers: auth(conv.token) })).status).toBe(403);
    expect((await post(h, victim, '{"type":"message","text":"intrusion"}', conv.token)).status).toBe(403);
    expect((await fetch(`${h.domain}/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities`, { headers: auth(conv.token) })).status).toBe(403);
    expect((await fetch(`${h.domain}/conversations/no%20such/activities`, { headers: auth(conv.token) })).status).toBe(404);

    const uploadUrl = `${h.domain}/conversations/${conv.conversationId}/upload`;
    expect((await fetch(uploadUrl, { method: 'POST', headers: { ...json, ...auth(conv.token) }, body: '{}' })).status).toBe(400);
    const boundary = 'XyZ123';
    const big = multipart(boundary, [{ name: 'file', filename: 'big.png', type: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]) }]);
    const tooBig = await fetch(uploadUrl, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...auth(conv.token) }, body: new Uint8Array(big) });
    expect(tooBig.status).toBe(413);
    const broken = await fetch(uploadUrl, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...auth(conv.token) }, body: 'garbage' });
    expect(broken.status).toBe(400);

    expect(await texts(h, victim)).toEqual([expect.stringMatching(/^bot:welcome/)]);
    expect((await post(h, victim, JSON.stringify({ type: 'message', text: 'still fine' }))).status).toBe(200);
    expect((await texts(h, victim)).slice(1)).toEqual(['user:still fine', 'bot:echo: still fine']);
    expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'me too' }))).status).toBe(200);
    expect((await texts(h, conv)).slice(-2)).toEqual(['user:me too', 'bot:echo: me too']);
  });

  test('a failing bot turn is answered by the error handler, the reply says nothing of the error, and the conversation goes on', async () => {
    const conv = await startConversation(h);
    const res = await post(h, conv, JSON.stringify({ type: 'message', text: 'boom' }));
    // The adapter's onTurnError answered the customer; the turn itself did not fail the request.
    expect(res.status).toBe(200);
    expect(await res.text()).not.toMatch(/secret|bot\.ts|stack|EchoBot/);
    expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'after' }))).status).toBe(200);
    expect(await texts(h, conv)).toEqual(expect.arrayContaining(['bot:sorry, something went wrong', 'bot:echo: after']));
  });

  test('two messages in a row: both are logged on arrival, the bot takes them one turn at a time, in order', async () => {
    const conv = await startConversation(h);
    await Promise.all([post(h, conv, JSON.stringify({ type: 'message', text: 'slow' })), new Promise((r) => setTimeout(r, 50)).then(() => post(h, conv, JSON.stringify({ type: 'message', text: 'quick' })))]);
    expect((await texts(h, conv)).slice(1)).toEqual(['user:slow', 'user:quick', 'bot:echo: slow', 'bot:echo: quick']);
  });

  test('an upload with an activity part reaches the bot as an image served from an unguessable URL', async () => {
    const conv = await startConversation(h);
    const res = await upload(h, conv, { name: '../../receipt.png', type: 'application/octet-stream', data: PNG }, 'see file');
    expect(res.status).toBe(200);
    const all = await activities(h, conv);
    expect(all.map((a) => a.text)).toContain('got files receipt.png:image/png');
    const mine = all.find((a) => a.attachments?.length);
    expect(mine?.text).toBe('see file');
    const url = mine?.attachments?.[0].contentUrl ?? '';
    expect(url).toMatch(new RegExp(`^${h.domain}/attachments/[A-Za-z0-9_-]{43}$`));
    expect(url).not.toContain(conv.conversationId);
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${h.domain}/attachments/${'A'.repeat(43)}`)).status).toBe(404);
    expect(await h.endpoint.attachmentByUrl(url)).toEqual({ contentType: 'image/png', name: 'receipt.png', bytes: PNG });
    expect(await h.endpoint.attachmentByUrl(`${h.domain}/attachments/${'A'.repeat(43)}`)).toBeUndefined();
    expect(await h.endpoint.attachmentByUrl('https://evil.example/x.png')).toBeUndefined();
  });
});

describe('embedded Direct Line, limits and expiry', () => {
  test('expired tokens are 403 on every call and close the stream; tokens/refresh extends a live one', async () => {
    const h = await startHarness({ tokenTtlSeconds: 2 });
    try {
      const conv = await startConversation(h);
      const refreshed = await fetch(`${h.domain}/tokens/refresh`, { method: 'POST', headers: auth(conv.token) });
      expect(refreshed.status).toBe(200);
      const r = (await refreshed.json()) as { conversationId: string; token: string; expires_in: number };
      expect(r.conversationId).toBe(conv.conversationId);
      expect(r.expires_in).toBe(2);
      expect(r.token).not.toBe(conv.token);

      const { closed } = await openSocket(conv.streamUrl);
      expect(await closed).toEqual({ code: 1008, reason: 'token expired' });

      const expired = await post(h, conv, JSON.stringify({ type: 'message', text: 'late' }));
      expect(expired.status).toBe(403);
      expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('TokenExpired');
      expect((await fetch(`${h.domain}/tokens/refresh`, { method: 'POST', headers: auth(conv.token) })).status).toBe(403);
      expect((await fetch(`${h.domain}/conversations/${conv.conversationId}?watermark=1`, { headers: auth(conv.token) })).status).toBe(403);
    } finally {
      await h.close();
    }
  }, 10000);

  test('a slow bot turn answers 502 BotTimeout without blocking the conversation forever', async () => {
    const h = await startHarness({ botTimeoutMs: 300 });
    try {
      const conv = await startConversation(h);
      const res = await post(h, conv, JSON.stringify({ type: 'message', text: 'slow' }));
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BotTimeout');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await texts(h, conv)).toContain('bot:echo: slow');
    } finally {
      await h.close();
    }
  }, 10000);

  test('with a secret, a trusted server may generate tokens for its own user ids and read any conversation', async () => {
    const h = await startHarness({ secret: 'server-side-secret' });
    try {
      expect((await fetch(`${h.domain}/tokens/generate`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: auth('wrong') })).status).toBe(403);
      const gen = await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: { ...json, ...auth('server-side-secret') }, body: JSON.stringify({ user: { id: 'dl_trusted_user', name: 'Bob' } }) });
      expect(gen.status).toBe(200);
      const t = (await gen.json()) as { conversationId: string; token: string };
      expect(claimsOf(t.token)).toMatchObject({ user: 'dl_trusted_user', name: 'Bob' });
      const bad = await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: { ...json, ...auth('server-side-secret') }, body: JSON.stringify({ user: { id: 'admin' } }) });
      expect(bad.status).toBe(400);
      const started = await fetch(`${h.domain}/conversations`, { method: 'POST', headers: { ...json, ...auth('server-side-secret') }, body: JSON.stringify({ user: { id: 'dl_other_user' } }) });
      expect(started.status).toBe(201);
      expect(claimsOf(((await started.json()) as Started).token).user).toBe('dl_other_user');
      expect((await fetch(`${h.domain}/conversations/${t.conversationId}/activities`, { headers: auth('server-side-secret') })).status).toBe(200);
      expect((await fetch(`${h.domain}/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities`, { headers: auth('server-side-secret') })).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
