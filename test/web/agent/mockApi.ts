/**
 * A small in-memory implementation of the agent console API (bots/handoff/agent-api.md) plus the
 * static pages, for browser tests of the console that need states the real app reaches only
 * slowly (several agents with cases, hostile customer text, expired sessions). Cases are real
 * `Case` objects and go out through the server's own `toSummary` / `toCaseView` /
 * `toTranscriptView` and label tables, so the shapes cannot drift from the real API. Not a
 * reference implementation of the rules: only what the console uses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { randomUUID } from 'crypto';
import { readFile } from 'fs/promises';
import { join, normalize, extname } from 'path';
import { toCaseView, toSummary, toTranscriptView } from '../../../services/handoff/caseView';
import { CaseText } from '../../../services/handoff/CaseText';
import type { Case, TranscriptEntry } from '../../../services/handoff/types';
import { AGENT_RESOLUTION_CODES } from '../../../services/handoff/vocabulary';
import { createMessages } from '../../../services/i18n/messages';
import { isLang } from '../../../services/i18n/langs';

export interface MockAgent {
  id: string;
  name: string;
  role: 'agent' | 'supervisor';
  username: string;
  password: string;
  online: boolean;
}

export type MockCase = Case;
export type MockEntry = TranscriptEntry & { seq?: number };

export interface PostRecord {
  path: string;
  csrf: string | undefined;
  body: unknown;
}

export interface MockApi {
  url: string;
  agents: MockAgent[];
  cases: Map<string, Case>;
  transcripts: Map<string, MockEntry[]>;
  /** Every POST the console made, with its X-Requested-With header. */
  posts: PostRecord[];
  createCase(input: Partial<Omit<Case, 'fields'>> & { summary: string; fields?: Partial<Case['fields']> }): Case;
  customerSays(caseId: string, text: string, conversationId?: string): MockEntry;
  setOnline(agentId: string, online: boolean): void;
  /** Invalidates every session and ends the event streams (as a server restart or expiry would). */
  expireSessions(): void;
  close(): Promise<void>;
}

const WEB_DIR = join(__dirname, '..', '..', '..', 'web', 'agent');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

const messages = createMessages();
/** A business time zone other than the default, so the console visibly takes it from the labels. */
export const MOCK_TIME_ZONE = 'Europe/Helsinki';
const text = new CaseText(messages, 'lt', undefined, MOCK_TIME_ZONE);
const CANNED: Record<string, { id: string; title: string; text: string }[]> = {
  lt: [{ id: 'greet', title: 'Pasisveikinimas', text: 'Laba diena! Čia LockerDesk konsultantas.' }],
  en: [{ id: 'greet', title: 'Greeting', text: 'Hello! This is a LockerDesk agent.' }],
  ru: [{ id: 'greet', title: 'Приветствие', text: 'Здравствуйте! Это оператор LockerDesk.' }],
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export async function startMockApi(agents: MockAgent[]): Promise<MockApi> {
  const sessions = new Map<string, string>();
  const cases = new Map<string, Case>();
  const transcripts = new Map<string, MockEntry[]>();
  const posts: PostRecord[] = [];
  const streams = new Set<ServerResponse>();
  let counter = 0;

  const agentById = (id: string | undefined) => agents.find((a) => a.id === id);
  const agentName = (id: string) => agentById(id)?.name;
  const summary = (c: Case) => toSummary(c, { now: new Date(), agentName });
  const openCases = () => [...cases.values()].filter((c) => c.status !== 'closed');
  const queueOrder = (a: Case, b: Case) => a.priority - b.priority || Date.parse(a.queuedAt) - Date.parse(b.queuedAt);
  const emit = (event: Record<string, unknown>) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const s of streams) s.write(line);
  };
  const emitCase = (type: string, c: Case) => emit({ type, caseId: c.id, case: summary(c) });
  const append = (caseId: string, entry: MockEntry) => {
    const list = transcripts.get(caseId) ?? [];
    const e = { ...entry, seq: list.length + 1 };
    list.push(e);
    transcripts.set(caseId, list);
    emit({ type: 'message', caseId, entry: toTranscriptView(caseId, e, e.seq), seq: e.seq });
    return e;
  };

  // Never chain `writeHead(...).end()`: restify, once loaded in the same process (the jest worker
  // that ran the real-app test), patches ServerResponse.writeHead to return undefined.
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    if (body === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => send(res, 500, { error: 'mock_failure' }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/agent' || path === '/agent/' || path.startsWith('/agent/assets/'))) {
      const rel = path.startsWith('/agent/assets/') ? path.slice('/agent/assets/'.length) : 'index.html';
      const file = normalize(join(WEB_DIR, rel));
      if (!file.startsWith(WEB_DIR)) return send(res, 404, { error: 'not_found' });
      try {
        const data = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(data);
      } catch {
        send(res, 404, { error: 'not_found' });
      }
      return;
    }
    if (!path.startsWith('/agent/api/')) return send(res, 404, { error: 'not_found' });
    const route = path.slice('/agent/api'.length);
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const csrf = req.headers['x-requested-with'];
    if (req.method === 'POST') {
      posts.push({ path: route, csrf: typeof csrf === 'string' ? csrf : undefined, body });
      if (csrf !== 'lockerdesk') return send(res, 403, { error: 'csrf' });
    }

    if (route === '/login' && req.method === 'POST') {
      const { username, password } = (body ?? {}) as { username?: string; password?: string };
      const agent = agents.find((a) => a.username === username && a.password === password);
      if (!agent) return send(res, 401, { error: 'invalid_credentials' });
      const sid = randomUUID();
      sessions.set(sid, agent.id);
      res.setHeader('set-cookie', `ld_agent=${sid}; HttpOnly; SameSite=Strict; Path=/agent`);
      return send(res, 200, { agent: { id: agent.id, name: agent.name, role: agent.role } });
    }

    const lang = url.searchParams.get('lang');
    const labelLang = isLang(lang) ? lang : 'lt';
    // Public, as in the real API: the sign-in page is in the agent's language too.
    if (route === '/labels') return send(res, 200, text.labels(labelLang));

    const sid = /(?:^|;\s*)ld_agent=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const me = agentById(sid ? sessions.get(sid) : undefined);
    if (!me) return send(res, 401, { error: 'unauthenticated' });

    if (route === '/me') return send(res, 200, { agent: { id: me.id, name: me.name, role: me.role } });
    if (route === '/logout') {
      if (sid) sessions.delete(sid);
      return send(res, 204);
    }
    if (route === '/heartbeat') return send(res, 204);
    if (route === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': hello\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (route === '/queue') {
      const open = openCases();
      const queued = open.filter((c) => c.status === 'queued').sort(queueOrder);
      const assigned = open.filter((c) => c.status === 'assigned').sort(queueOrder);
      return send(res, 200, {
        cases: [...queued.map((c, i) => ({ ...summary(c), position: i + 1 })), ...assigned.map(summary)],
        now: new Date().toISOString(),
      });
    }
    if (route === '/resolutions') return send(res, 200, { codes: AGENT_RESOLUTION_CODES.map((code) => ({ code, label: text.resolutionLabel(code, labelLang) })) });
    if (route === '/canned') return send(res, 200, { replies: CANNED[url.searchParams.get('lang') ?? 'lt'] ?? [] });
    if (route === '/agents') {
      if (me.role !== 'supervisor') return send(res, 403, { error: 'forbidden' });
      return send(res, 200, {
        agents: agents.map((a) => {
          const own = openCases().filter((c) => c.assignedTo === a.id);
          return { id: a.id, name: a.name, role: a.role, online: a.online, openCases: own.length, cases: own.map(summary) };
        }),
      });
    }

    const m = /^\/cases\/([^/]+)(?:\/([a-z-]+))?$/.exec(route);
    const c = m ? cases.get(decodeURIComponent(m[1])) : undefined;
    if (!m || !c) return send(res, 404, { error: 'not_found' });
    const action = m[2];
    const said = typeof (body as { text?: unknown })?.text === 'string' ? (body as { text: string }).text : '';
    const targetId = (body as { agentId?: string })?.agentId;
    const now = new Date().toISOString();
    const manages = me.role === 'supervisor' || (c.status === 'assigned' && c.assignedTo === me.id);
    switch (req.method === 'GET' ? 'get' : action) {
      case 'get':
        return send(res, 200, {
          case: toCaseView(c, { agentName }),
          transcript: (transcripts.get(c.id) ?? []).map((e, i) => toTranscriptView(c.id, e, i + 1)),
          earlier: [...cases.values()].filter((o) => o.customerKey === c.customerKey && o.id !== c.id).map(summary),
          related: c.related.map((id) => cases.get(id)).filter((x): x is Case => x !== undefined).map(summary),
        });
      case 'claim':
        if (c.status !== 'queued') return send(res, 409, { error: 'already_claimed' });
        Object.assign(c, { status: 'assigned', assignedTo: me.id });
        emitCase('case.claimed', c);
        return send(res, 200, { case: c });
      case 'messages': {
        if (c.status !== 'assigned' || c.assignedTo !== me.id) return send(res, 409, { error: 'not_assigned' });
        if (!said || said.length > 2000) return send(res, 400, { error: 'invalid_text' });
        const target = (body as { conversationId?: unknown })?.conversationId;
        if (target === undefined && c.conversations.length > 1) return send(res, 400, { error: 'conversation_required' });
        if (target !== undefined && !c.conversations.some((x) => x.id === target)) return send(res, 400, { error: 'unknown_conversation' });
        const conversationId = typeof target === 'string' ? target : c.conversations[0]?.id;
        const e = append(c.id, { at: now, from: 'agent', text: said, agentId: me.id, conversationId });
        return send(res, 200, { entry: toTranscriptView(c.id, e, e.seq ?? 0) });
      }
      case 'notes':
        if (!manages) return send(res, 403, { error: 'forbidden' });
        c.notes.push({ at: now, agentId: me.id, text: said });
        emitCase('case.updated', c);
        return send(res, 200, { case: c });
      case 'merge': {
        const other = cases.get(String((body as { caseId?: unknown })?.caseId));
        if (!other) return send(res, 404, { error: 'not_found' });
        if (!manages) return send(res, 403, { error: 'forbidden' });
        if (other.status === 'closed' || c.status === 'closed') return send(res, 409, { error: 'not_mergeable' });
        c.conversations.push(...other.conversations.map((x) => ({ ...x, via: 'merged' as const })));
        c.related = c.related.filter((id) => id !== other.id);
        c.merges = [...(c.merges ?? []), { caseId: other.id, at: now, by: me.id }];
        Object.assign(other, { status: 'closed', closedAt: now, resolution: { code: 'merged', at: now, agentId: me.id }, mergedInto: { caseId: c.id, at: now, by: me.id } });
        transcripts.set(c.id, [...(transcripts.get(c.id) ?? []), { at: now, from: 'system', text: `Case ${other.id} merged in` }, ...(transcripts.get(other.id) ?? [])]);
        emitCase('case.closed', other);
        emitCase('case.updated', c);
        return send(res, 200, { case: c, merged: other });
      }
      case 'transfer':
      case 'reassign': {
        if (action === 'reassign' && me.role !== 'supervisor') return send(res, 403, { error: 'forbidden' });
        const target = agentById(targetId);
        if (!target || !target.online) return send(res, 409, { error: 'agent_offline' });
        Object.assign(c, { status: 'assigned', assignedTo: target.id });
        emitCase('case.transferred', c);
        return send(res, 200, { case: c });
      }
      case 'release':
        Object.assign(c, { status: 'queued', assignedTo: undefined });
        emitCase('case.released', c);
        return send(res, 200, { case: c });
      case 'close':
      case 'return-to-bot':
      case 'work-order-done': {
        if (c.status === 'closed') return send(res, 409, { error: 'closed' });
        if (action !== 'work-order-done' && !manages) return send(res, 403, { error: 'forbidden' });
        const code = action === 'close' ? String((body as { resolution?: string })?.resolution) : action === 'return-to-bot' ? 'returned_to_bot' : 'work_order_done';
        Object.assign(c, { status: 'closed', closedAt: now, resolution: { code, at: now, agentId: me.id } });
        emitCase('case.closed', c);
        return send(res, 200, { case: c });
      }
      default:
        return send(res, 404, { error: 'not_found' });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    agents,
    cases,
    transcripts,
    posts,
    createCase(input) {
      counter += 1;
      const at = new Date().toISOString();
      const id = `C-240115-${String(counter).padStart(4, '0')}`;
      const c: Case = {
        id,
        status: 'queued',
        priority: 3,
        kind: 'general',
        reason: 'agent_requested',
        channel: 'webchat',
        lang: 'lt',
        createdAt: at,
        queuedAt: at,
        customerKey: `cust-${counter}`,
        conversations: [{ id: `conv-${counter}`, channel: input.channel ?? 'webchat', joinedAt: at, via: 'opened', toldCaseId: id }],
        notes: [],
        related: [],
        matchKeys: [],
        relateKeys: [],
        ...input,
        fields: { attachments: [], ...input.fields },
      };
      cases.set(c.id, c);
      emitCase(c.status === 'queued' ? 'case.created' : 'case.updated', c);
      return c;
    },
    customerSays(caseId, said, conversationId) {
      return append(caseId, { at: new Date().toISOString(), from: 'customer', text: said, conversationId: conversationId ?? cases.get(caseId)?.conversations[0]?.id });
    },
    setOnline(agentId, online) {
      const a = agentById(agentId);
      if (a) a.online = online;
      emit({ type: 'presence', agentId, online });
    },
    expireSessions() {
      sessions.clear();
      for (const s of streams) s.end();
      streams.clear();
    },
    close() {
      for (const s of streams) s.end();
      streams.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
