/** Raw HTTP and WebSocket calls a Direct Line client (or an attacker) makes, for the Direct Line tests. */
import { WebSocket } from 'ws';
import type { Harness } from './harness';

export interface Started {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

export const json = { 'Content-Type': 'application/json' };
export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The widget's way in: a token from the token route, then `POST /conversations` with it. */
export async function startConversation(h: Harness, body: object = {}): Promise<Started & { userId: string; visitor?: string }> {
  const t = await h.token();
  const res = await fetch(`${h.domain}/conversations`, { method: 'POST', headers: { ...json, ...auth(t.token) }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`POST /conversations answered ${res.status}`);
  return { ...((await res.json()) as Started), userId: t.userId, visitor: t.visitor };
}

export async function post(h: Harness, conv: { conversationId: string; token: string }, body: string, token = conv.token, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { method: 'POST', headers: { ...json, ...auth(token), ...headers }, body });
}

export interface SeenActivity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  conversation: { id: string };
  attachments?: { contentType: string; contentUrl?: string; name?: string }[];
  [field: string]: unknown;
}

export async function activities(h: Harness, conv: { conversationId: string; token: string }): Promise<SeenActivity[]> {
  const res = await fetch(`${h.domain}/conversations/${conv.conversationId}/activities`, { headers: auth(conv.token) });
  if (res.status !== 200) throw new Error(`GET activities answered ${res.status}`);
  return ((await res.json()) as { activities: SeenActivity[] }).activities;
}

export async function texts(h: Harness, conv: { conversationId: string; token: string }): Promise<string[]> {
  return (await activities(h, conv)).map((a) => `${a.from.role}:${a.text}`);
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function multipart(boundary: string, parts: { name: string; filename?: string; type: string; data: Buffer }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\nContent-Type: ${p.type}\r\n\r\n`), p.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);

/** Uploads one file (with an optional activity part) the way directlinejs does. */
export async function upload(h: Harness, conv: { conversationId: string; token: string }, file: { name: string; type: string; data: Buffer }, text?: string): Promise<Response> {
  const boundary = 'b0undary';
  const parts = [{ name: 'file', filename: file.name, type: file.type, data: file.data }];
  if (text !== undefined) parts.unshift({ name: 'activity', filename: '', type: 'application/vnd.microsoft.activity', data: Buffer.from(JSON.stringify({ type: 'message', text })) });
  return fetch(`${h.domain}/conversations/${conv.conversationId}/upload`, {
    method: 'POST',
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...auth(conv.token) },
    body: new Uint8Array(multipart(boundary, parts)),
  });
}

export interface Frame {
  activities: SeenActivity[];
  watermark?: string;
}

export function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; frames: Frame[]; raw: string[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: Frame[] = [];
    const raw: string[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      raw.push(data.toString());
      frames.push(JSON.parse(data.toString()) as Frame);
    });
    ws.on('open', () => resolve({ ws, frames, raw, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
