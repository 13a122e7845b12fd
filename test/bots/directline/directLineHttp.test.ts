/** The embedded Direct Line over raw HTTP and WebSocket: the contract and every bad-input case. */
import { WebSocket } from 'ws';
import { startHarness, waitFor, type Harness } from './harness';

interface Started {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

const json = { 'Content-Type': 'application/json' };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

async function startConversation(h: Harness, body: object = {}, headers: Record<string, string> = {}): Promise<Started> {
  const res = await fetch(`${h.domain}/conversations`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return (await res.json()) as Started;
}

async function post(h: Harness, conv: Started, body: string, token = conv.token): Promise<Response> {
  return fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { method: 'POST', headers: { ...json, ...auth(token) }, body });
}

async function texts(h: Harness, conv: Started): Promise<string[]> {
  const res = await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { headers: auth(conv.token) });
  expect(res.status).toBe(200);
  const page = (await res.json()) as { activities: { text?: string; from: { role?: string } }[] };
  return page.activities.map((a) => `${a.from.role}:${a.text}`);
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

function multipart(boundary: string, parts: { name: string; filename?: string; type: string; data: Buffer }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\nContent-Type: ${p.type}\r\n\r\n`), p.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function openSocket(url: string): Promise<{ ws: WebSocket; frames: { activities: { text?: string }[]; watermark?: string }[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: { activities: { text?: string }[]; watermark?: string }[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('embedded Direct Line, raw HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ maxUploadBytes: 64 * 1024, secret: undefined });
  });
  afterEach(async () => {
    await h.close();
  });

  test('start: 201 with conversationId, token bound to a dl_ user, expires_in and a ws streamUrl; the same token again gives 200', async () => {
    const gen = await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: json, body: JSON.stringify({ user: { id: 'dl_bob_1234', name: 'Bob' } }) });
    expect(gen.status).toBe(200);
    const generated = (await gen.json()) as { conversationId: string; token: string; expires_in: number };
    expect(generated.expires_in).toBe(1800);
    expect(claimsOf(generated.token)).toMatchObject({ conv: generated.conversationId, user: 'dl_bob_1234', name: 'Bob' });

    const started = await startConversation(h, {}, auth(generated.token));
    expect(started.conversationId).toBe(generated.conversationId);
    expect(started.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${started.conversationId}/stream\\?t=`));
    const again = await fetch(`${h.domain}/conversations`, { method: 'POST', headers: auth(generated.token) });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Started).conversationId).toBe(generated.conversationId);
    await waitFor(() => h.bot.seen.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.bot.seen.filter((s) => s.type === 'conversationUpdate')).toHaveLength(1);

    const anonymous = await startConversation(h, { user: { id: 'not-dl' } });
    expect(String(claimsOf(anonymous.token).user)).toMatch(/^dl_/);
  });

  test('tokens/generate refuses user ids without dl_ and malformed bodies', async () => {
    const bad = await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: json, body: JSON.stringify({ user: { id: 'admin' } }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BadArgument');
    const garbage = await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: json, body: '{"user":' });
    expect(garbage.status).toBe(400);
  });

  test('reconnect returns a new token and a streamUrl carrying the watermark; polling honours the watermark', async () => {
    const conv = await startConversation(h);
    expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'a' }))).status).toBe(200);
    const all = await texts(h, conv);
    expect(all).toEqual([expect.stringMatching(/^bot:welcome/), 'user:a', 'bot:echo: a']);

    const re = await fetch(`${h.domain}/conversations/${conv.conversationId}?watermark=2`, { headers: auth(conv.token) });
    expect(re.status).toBe(200);
    const body = (await re.json()) as Started;
    expect(body.streamUrl).toContain('watermark=2&t=');
    expect(body.token).not.toBe(conv.token);

    const page = await fetch(`${h.domain}/conversations/${conv.conversationId}/activities?watermark=2`, { headers: auth(body.token) });
    const after = (await page.json()) as { activities: { text: string }[]; watermark: string };
    expect(after.activities.map((a) => a.text)).toEqual(['echo: a']);
    expect(after.watermark).toBe('3');
    const bad = await fetch(`${h.domain}/conversations/${conv.conversationId}/activities?watermark=abc`, { headers: auth(body.token) });
    expect(bad.status).toBe(400);
  });

  test('WebSocket stream: backlog after the watermark, then live activities; bad tokens are refused', async () => {
    const conv = await startConversation(h);
    await post(h, conv, JSON.stringify({ type: 'message', text: 'first' }));
    const url = conv.streamUrl.replace('?t=', '?watermark=1&t=');
    const { ws, frames } = await openSocket(url);
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

  test('bad input gets the right status and leaves other conversations alone', async () => {
    const victim = await startConversation(h);
    const conv = await startConversation(h);
    const url = `${h.domain}/conversations/${conv.conversationId}/activities`;

    expect((await post(h, conv, '{"type":"message",')).status).toBe(400);
    expect((await post(h, conv, JSON.stringify({ text: 'no type' }))).status).toBe(400);
    expect((await post(h, conv, JSON.stringify({ type: 42 }))).status).toBe(400);
    expect((await post(h, conv, JSON.stringify([1, 2]))).status).toBe(400);
    expect((await post(h, conv, JSON.stringify({ type: 'conversationUpdate' }))).status).toBe(400);
    const huge = await post(h, conv, JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');

    expect((await fetch(url, { method: 'POST', headers: json, body: '{"type":"message"}' })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { ...json, Authorization: 'Basic abc' }, body: '{"type":"message"}' })).status).toBe(401);
    expect((await post(h, conv, '{"type":"message"}', 'not.a.token')).status).toBe(403);
    const forged = conv.token.slice(0, -4) + (conv.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await post(h, conv, '{"type":"message"}', forged)).status).toBe(403);
    const crossRead = await fetch(`${h.domain}/conversations/${victim.conversationId}/activities`, { headers: auth(conv.token) });
    expect(crossRead.status).toBe(403);
    expect((await post(h, victim, '{"type":"message","text":"intrusion"}', conv.token)).status).toBe(403);
    expect((await fetch(`${h.domain}/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities`, { headers: auth(conv.token) })).status).toBe(403);
    expect((await fetch(`${h.domain}/conversations/no%20such/activities`, { headers: auth(conv.token) })).status).toBe(404);

    const upload = `${h.domain}/conversations/${conv.conversationId}/upload`;
    expect((await fetch(upload, { method: 'POST', headers: { ...json, ...auth(conv.token) }, body: '{}' })).status).toBe(400);
    const boundary = 'XyZ123';
    const big = multipart(boundary, [{ name: 'file', filename: 'big.bin', type: 'application/octet-stream', data: Buffer.alloc(80 * 1024) }]);
    const tooBig = await fetch(upload, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...auth(conv.token) }, body: new Uint8Array(big) });
    expect(tooBig.status).toBe(413);
    const broken = await fetch(upload, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...auth(conv.token) }, body: 'garbage' });
    expect(broken.status).toBe(400);

    expect(await texts(h, victim)).toEqual([expect.stringMatching(/^bot:welcome/)]);
    expect((await post(h, victim, JSON.stringify({ type: 'message', text: 'still fine' }))).status).toBe(200);
    expect((await texts(h, victim)).slice(1)).toEqual(['user:still fine', 'bot:echo: still fine']);
    expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'me too' }))).status).toBe(200);
    expect((await texts(h, conv)).slice(1)).toEqual(['user:me too', 'bot:echo: me too']);
  });

  test('an upload with an activity part and a file reaches the bot; unknown attachment ids are 404', async () => {
    const conv = await startConversation(h);
    const boundary = 'b0undary';
    const body = multipart(boundary, [
      { name: 'activity', type: 'application/vnd.microsoft.activity', data: Buffer.from(JSON.stringify({ type: 'message', text: 'see file' })) },
      { name: 'file', filename: 'note.txt', type: 'text/plain', data: Buffer.from('hello') },
    ]);
    const res = await fetch(`${h.domain}/conversations/${conv.conversationId}/upload?userId=x`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...auth(conv.token) },
      body: new Uint8Array(body),
    });
    expect(res.status).toBe(200);
    expect(await texts(h, conv)).toContain('bot:got files note.txt:text/plain');
    const page = (await (await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { headers: auth(conv.token) })).json()) as {
      activities: { attachments?: { contentUrl: string }[] }[];
    };
    const fileUrl = page.activities.find((a) => a.attachments)?.attachments?.[0].contentUrl ?? '';
    const served = await fetch(fileUrl);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(await served.text()).toBe('hello');
    expect((await fetch(fileUrl.replace(/attachments\/([^/]+)\/[^/]+/, 'attachments/$1/nope'))).status).toBe(404);
  });

  test('a failing bot turn is a 502 BotError, and the conversation goes on', async () => {
    const conv = await startConversation(h);
    const res = await post(h, conv, JSON.stringify({ type: 'message', text: 'boom' }));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BotError');
    expect((await post(h, conv, JSON.stringify({ type: 'message', text: 'after' }))).status).toBe(200);
    expect(await texts(h, conv)).toContain('bot:echo: after');
  });

  test('the connector refuses a wrong key and unknown conversations', async () => {
    const conv = await startConversation(h);
    const serviceUrl = h.endpoint.serviceUrl();
    const wrong = serviceUrl.replace(/connector\/[^/]+$/, 'connector/wrongkeywrongkeywrongkeywrongkey12');
    const a = { type: 'message', text: 'spoof' };
    expect((await fetch(`${wrong}/v3/conversations/${conv.conversationId}/activities`, { method: 'POST', headers: json, body: JSON.stringify(a) })).status).toBe(404);
    expect((await fetch(`${serviceUrl}/v3/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities`, { method: 'POST', headers: json, body: JSON.stringify(a) })).status).toBe(404);
    expect((await fetch(`${serviceUrl}/v3/conversations/${conv.conversationId}/activities`, { method: 'POST', headers: json, body: '{}' })).status).toBe(400);
    const ok = await fetch(`${serviceUrl}/v3/conversations/${conv.conversationId}/activities`, { method: 'POST', headers: json, body: JSON.stringify({ ...a, serviceUrl }) });
    expect(ok.status).toBe(200);
    const page = await (await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { headers: auth(conv.token) })).text();
    expect(page).toContain('spoof');
    expect(page).not.toContain('/connector/');
  });

  test('CORS preflight is answered', async () => {
    const res = await fetch(`${h.domain}/conversations/x/activities`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
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
      const close = await closed;
      expect(close).toEqual({ code: 1008, reason: 'token expired' });

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
      await waitFor(() => h.bot.seen.some((s) => s.text === 'slow'));
      await new Promise((r) => setTimeout(r, 1500));
      expect(await texts(h, conv)).toContain('bot:echo: slow');
    } finally {
      await h.close();
    }
  }, 10000);

  test('with a secret, generate and token-less start need it; the secret reads any conversation; unknown ones are 404', async () => {
    const h = await startHarness({ secret: 'server-side-secret' });
    try {
      expect((await fetch(`${h.domain}/tokens/generate`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${h.domain}/tokens/generate`, { method: 'POST', headers: auth('wrong') })).status).toBe(403);
      expect((await fetch(`${h.domain}/conversations`, { method: 'POST' })).status).toBe(401);
      const conv = await startConversation(h, { user: { id: 'dl_trusted_user' } }, auth('server-side-secret'));
      expect(claimsOf(conv.token).user).toBe('dl_trusted_user');
      expect((await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { headers: auth('server-side-secret') })).status).toBe(200);
      expect((await fetch(`${h.domain}/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities`, { headers: auth('server-side-secret') })).status).toBe(404);
      expect((await fetch(`${h.domain}/conversations/AAAAAAAAAAAAAAAAAAAAAA`, { headers: auth('server-side-secret') })).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
