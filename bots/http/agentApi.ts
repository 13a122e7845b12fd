/**
 * The agent console's HTTP API (`/agent/api/*`, contract in `bots/handoff/agent-api.md`) and its
 * pages (`/agent`, `/agent/assets/*`). Session cookie `ld_agent`; every route but login and setup
 * needs a live session (401), supervisor routes need the role (403), state-changing requests need
 * `X-Requested-With: lockerdesk` (403). Events stream as SSE from the shared event bus, so a
 * console on any instance sees what happens on every instance.
 *
 * Who may do what is the hand-off service's rule (`AgentDesk`); this file maps HTTP to it, counts
 * sign-in attempts before checking them (`LoginThrottle`), and serves kept attachments behind the
 * session so the console's CSP can be `img-src 'self'`.
 */
import { promises as fs } from 'fs';
import { basename, dirname, extname, join, resolve, sep } from 'path';
import * as restify from 'restify';
import type { AgentDirectory, AgentIdentity, AgentSessions, LoginThrottle, SetupTokens } from '../../services/handoff/agentAuth';
import { toTranscriptView, type ConsoleEvent } from '../../services/handoff/caseView';
import type { HandoffEvent, Unsubscribe } from '../../services/handoff/EventBus';
import type { ActionResult, AgentActionError, HandoffService } from '../../services/handoff/HandoffService';
import { AGENT_RESOLUTION_CODES } from '../../services/handoff/vocabulary';
import type { Messages } from '../../services/i18n/messages';
import type { Logger } from '../../services/logging/logger';
import { DEFAULT_LANG, isLang, type Lang } from '../../services/i18n/langs';
import type { ReportQueries } from '../../services/reports';
import { registerReportRoutes, type Guard } from './reportsApi';
import { MAX_REASON_CHARS, type BlockList } from '../../services/fairuse/BlockList';
import type { ProofService } from '../../services/proof/ProofService';
import type { Eraser } from '../../services/privacy/Eraser';

export type { ConsoleEvent } from '../../services/handoff/caseView';

export const SESSION_COOKIE = 'ld_agent';
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'lockerdesk';
const MAX_TEXT = 2000;

/** The console page's policy: nothing but this server, no framing. */
export const CONSOLE_CSP = "default-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface AgentApiOptions {
  service: HandoffService;
  directory: AgentDirectory;
  sessions: AgentSessions;
  throttle: LoginThrottle;
  /** Single-use demo sign-in tokens (only without configured agents). */
  setupTokens?: SetupTokens;
  messages: Messages;
  logger: Logger;
  /** Adds `Secure` to the cookie (PUBLIC_URL is https). */
  secureCookie?: boolean;
  /** SSE comment heartbeat and presence refresh. Default 15 s. */
  heartbeatMs?: number;
  /** Folder with the console page (index.html) and its assets. Default `<repo>/web/agent`. */
  webDir?: string;
  /** The supervisors' reports (routes in `reportsApi.ts`); without it there are none. */
  reports?: ReportQueries;
  /** Supervisor tools: blocking customers, proof locks, erasure. Routes answer 404 for a tool not given. */
  supervisorTools?: SupervisorTools;
  /**
   * The address sign-in limits count (`clientAddressResolver(TRUSTED_PROXIES)`): behind a trusted
   * proxy the forwarded client, so agents behind App Service do not share one limit. Default: the TCP peer.
   */
  clientAddress?: (req: restify.Request) => string | undefined;
}

/** What supervisors act on besides cases (issue 9). */
export interface SupervisorTools {
  blockList?: BlockList;
  proofLocks?: Pick<ProofService, 'listLocks' | 'clearLock'>;
  eraser?: Pick<Eraser, 'erase'>;
}

export interface AgentApi {
  /** Number of open event streams on this instance. */
  streams(): number;
  close(): Promise<void>;
}

interface Stream {
  agentId: string;
  res: restify.Response;
  timer: NodeJS.Timeout;
  end: () => void;
}

type Handler = (req: restify.Request, res: restify.Response, agent: AgentIdentity) => Promise<void>;

const STATUS: Record<AgentActionError, number> = {
  not_found: 404,
  already_claimed: 409,
  not_assigned: 409,
  agent_offline: 409,
  not_work_order: 409,
  closed: 409,
  no_chat: 409,
  forbidden: 403,
  invalid_resolution: 400,
  conversation_required: 400,
  unknown_conversation: 400,
  not_mergeable: 409,
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function body(req: restify.Request): Record<string, unknown> {
  const b: unknown = req.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t.length >= 1 && t.length <= MAX_TEXT ? t : undefined;
}

function queryLang(req: restify.Request): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  return isLang(q) ? q : DEFAULT_LANG;
}

/**
 * The client's address as the socket sees it (`::ffff:` stripped), when no `clientAddress` option
 * is given. Behind a reverse proxy every client then shares the proxy's address; the throttle
 * limits them together (safe, not fair) unless the proxy is in `TRUSTED_PROXIES`.
 */
export function clientAddress(req: restify.Request): string {
  const raw = req.socket?.remoteAddress ?? 'unknown';
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}

/** The repository root, from the source tree (`bots/http`) or the build (`dist/bots/http`). */
function projectRoot(): string {
  const up = resolve(__dirname, '..', '..');
  return basename(up) === 'dist' ? dirname(up) : up;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf' };

export function registerAgentApi(server: restify.Server, o: AgentApiOptions): AgentApi {
  const { service, directory, sessions, throttle, logger } = o;
  const addressOf = (req: restify.Request): string => o.clientAddress?.(req) ?? clientAddress(req);
  const desk = service.desk;
  const supervision = service.supervision;
  const heartbeatMs = o.heartbeatMs ?? 15_000;
  const webDir = resolve(o.webDir ?? join(projectRoot(), 'web', 'agent'));
  const streams = new Set<Stream>();
  const jsonBody = [restify.plugins.bodyReader({ maxBodySize: 64 * 1024 }), restify.plugins.jsonBodyParser({ mapParams: false })];
  const cookieFlags = `HttpOnly; SameSite=Strict; Path=/agent${o.secureCookie ? '; Secure' : ''}`;

  const fail = (res: restify.Response, status: number, error: string): void => {
    res.send(status, { error });
  };

  const guarded: Guard =
    (handler: Handler, opts: { csrf?: boolean; supervisor?: boolean } = {}) =>
    async (req: restify.Request, res: restify.Response): Promise<void> => {
      try {
        const agentId = await sessions.resolve(cookieValue(req.headers.cookie, SESSION_COOKIE));
        const agent = agentId ? directory.get(agentId) : undefined;
        if (!agent) return fail(res, 401, 'unauthenticated');
        if (opts.csrf && req.headers[CSRF_HEADER] !== CSRF_VALUE) return fail(res, 403, 'csrf');
        if (opts.supervisor && agent.role !== 'supervisor') return fail(res, 403, 'forbidden');
        await supervision.setPresence(agent.id, true);
        await handler(req, res, agent);
      } catch (err) {
        logger.error({ err, url: req.url }, 'agentApi: request failed');
        if (!res.headersSent) fail(res, 503, 'unavailable');
      }
    };

  const reply = async <T>(res: restify.Response, result: ActionResult<T>, wrap: (v: T) => unknown): Promise<void> => {
    if (result.ok) res.send(200, wrap(result.value));
    else fail(res, STATUS[result.error], result.error);
  };

  const startSession = async (res: restify.Response, agent: AgentIdentity): Promise<void> => {
    const id = await sessions.create(agent.id);
    await supervision.setPresence(agent.id, true);
    res.header('Set-Cookie', `${SESSION_COOKIE}=${id}; ${cookieFlags}`);
    res.header('Cache-Control', 'no-store');
    res.send(200, { agent });
  };

  const tooMany = (res: restify.Response, retryAfterMs: number): void => {
    res.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    fail(res, 429, 'too_many_attempts');
  };

  // ---- session ----

  server.post('/agent/api/login', ...jsonBody, async (req: restify.Request, res: restify.Response) => {
    try {
      if (req.headers[CSRF_HEADER] !== CSRF_VALUE) return fail(res, 403, 'csrf');
      const b = body(req);
      const username = typeof b.username === 'string' ? b.username.slice(0, 100) : '';
      const password = typeof b.password === 'string' ? b.password.slice(0, 200) : '';
      const address = addressOf(req);
      // Counted before anything is checked: parallel guesses beyond the limit never reach scrypt.
      const attempt = await throttle.attempt(address, username);
      if (!attempt.allowed) return tooMany(res, attempt.retryAfterMs);
      const agent = username ? await directory.verify(username, password) : undefined;
      if (!agent) {
        logger.info({ username: username.slice(0, 40), address }, 'agentApi: failed login');
        return fail(res, 401, 'invalid_credentials');
      }
      await throttle.succeeded(address, username);
      await startSession(res, agent);
    } catch (err) {
      logger.error({ err }, 'agentApi: login failed');
      fail(res, 503, 'unavailable');
    }
  });

  server.post('/agent/api/setup', ...jsonBody, async (req: restify.Request, res: restify.Response) => {
    try {
      if (req.headers[CSRF_HEADER] !== CSRF_VALUE) return fail(res, 403, 'csrf');
      const attempt = await throttle.attempt(addressOf(req), '(setup link)');
      if (!attempt.allowed) return tooMany(res, attempt.retryAfterMs);
      const token = body(req).token;
      const agentId = o.setupTokens?.consume(typeof token === 'string' ? token : undefined);
      const agent = agentId ? directory.get(agentId) : undefined;
      if (!agent) return fail(res, 401, 'invalid_setup_link');
      logger.info({ agentId: agent.id }, 'agentApi: demo account signed in with its setup link (the link is now used up)');
      await startSession(res, agent);
    } catch (err) {
      logger.error({ err }, 'agentApi: setup sign-in failed');
      fail(res, 503, 'unavailable');
    }
  });

  server.post(
    '/agent/api/logout',
    guarded(
      async (req, res, agent) => {
        await sessions.destroy(cookieValue(req.headers.cookie, SESSION_COOKIE));
        await supervision.setPresence(agent.id, false);
        res.header('Set-Cookie', `${SESSION_COOKIE}=; ${cookieFlags}; Max-Age=0`);
        res.send(204);
      },
      { csrf: true },
    ),
  );

  server.get(
    '/agent/api/me',
    guarded(async (_req, res, agent) => {
      res.send(200, { agent });
    }),
  );

  server.post(
    '/agent/api/heartbeat',
    guarded(
      async (_req, res, agent) => {
        await supervision.setPresence(agent.id, true);
        res.send(204);
      },
      { csrf: true },
    ),
  );

  // ---- queue and cases ----

  server.get(
    '/agent/api/queue',
    guarded(async (_req, res) => {
      res.send(200, { cases: await supervision.openCases(), now: new Date().toISOString() });
    }),
  );

  // Public: the sign-in page speaks the agent's language before anyone is signed in, and these are
  // the console's own texts (the same words any visitor of /agent would read), nothing of a case.
  server.get('/agent/api/labels', async (req: restify.Request, res: restify.Response): Promise<void> => {
    res.send(200, service.text.labels(queryLang(req)));
  });

  server.get(
    '/agent/api/cases/:id',
    guarded(async (req, res) => {
      const detail = await desk.caseDetail(String(req.params.id));
      if (!detail) return fail(res, 404, 'not_found');
      res.send(200, detail);
    }),
  );

  server.get(
    '/agent/api/cases/:id/attachments/:ref',
    guarded(async (req, res) => {
      const got = await desk.attachment(String(req.params.id), String(req.params.ref));
      if (!got.ok) return fail(res, got.reason === 'not_found' || got.reason === 'gone' ? 404 : got.reason === 'too_large' ? 413 : 415, got.reason);
      const inline = got.contentType.startsWith('image/');
      res.writeHead(200, {
        'Content-Type': got.contentType,
        'Content-Length': got.data.length,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="attachment.${EXTENSIONS[got.contentType] ?? 'bin'}"`,
      });
      res.end(got.data);
    }),
  );

  const caseAction = (path: string, run: (id: string, b: Record<string, unknown>, agent: AgentIdentity, res: restify.Response) => Promise<void>, supervisor = false) =>
    server.post(
      `/agent/api/cases/:id/${path}`,
      ...jsonBody,
      guarded(async (req, res, agent) => run(String(req.params.id), body(req), agent, res), { csrf: true, supervisor }),
    );

  caseAction('claim', async (id, _b, agent, res) => reply(res, await desk.claim(id, agent), (c) => ({ case: c })));
  caseAction('messages', async (id, b, agent, res) => {
    const t = text(b.text);
    if (!t) return fail(res, 400, 'invalid_text');
    if (b.conversationId !== undefined && typeof b.conversationId !== 'string') return fail(res, 400, 'unknown_conversation');
    await reply(res, await desk.agentMessage(id, agent, t, b.conversationId), (entry) => ({ entry }));
  });
  caseAction('notes', async (id, b, agent, res) => {
    const t = text(b.text);
    if (!t) return fail(res, 400, 'invalid_text');
    await reply(res, await desk.addNote(id, agent, t), (c) => ({ case: c }));
  });
  caseAction('transfer', async (id, b, agent, res) => {
    if (typeof b.agentId !== 'string') return fail(res, 400, 'invalid_agent');
    await reply(res, await desk.transfer(id, agent, b.agentId), (c) => ({ case: c }));
  });
  caseAction('release', async (id, _b, agent, res) => reply(res, await desk.release(id, agent), (c) => ({ case: c })));
  caseAction('close', async (id, b, agent, res) => {
    if (typeof b.resolution !== 'string') return fail(res, 400, 'invalid_resolution');
    await reply(res, await desk.close(id, agent, b.resolution), (c) => ({ case: c }));
  });
  caseAction('return-to-bot', async (id, _b, agent, res) => reply(res, await desk.returnToBot(id, agent), (c) => ({ case: c })));
  caseAction('work-order-done', async (id, _b, agent, res) => reply(res, await desk.workOrderDone(id, agent), (c) => ({ case: c })));
  caseAction('merge', async (id, b, agent, res) => {
    if (typeof b.caseId !== 'string') return fail(res, 400, 'invalid_case');
    await reply(res, await desk.merge(id, b.caseId, agent), (v) => ({ case: v.kept, merged: v.merged }));
  });
  caseAction(
    'reassign',
    async (id, b, _agent, res) => {
      if (typeof b.agentId !== 'string') return fail(res, 400, 'invalid_agent');
      await reply(res, await desk.reassign(id, b.agentId), (c) => ({ case: c }));
    },
    true,
  );

  server.get(
    '/agent/api/canned',
    guarded(async (req, res) => {
      const lang = queryLang(req);
      const ids = [...new Set(o.messages.keys(lang).filter((k) => k.startsWith('canned.')).map((k) => k.split('.')[1]))];
      const replies = ids.map((id) => ({ id, title: o.messages.t(lang, `canned.${id}.title`), text: o.messages.t(lang, `canned.${id}.text`) }));
      res.send(200, { replies });
    }),
  );

  server.get(
    '/agent/api/resolutions',
    guarded(async (req, res) => {
      const lang = queryLang(req);
      res.send(200, { codes: AGENT_RESOLUTION_CODES.map((code) => ({ code, label: service.text.resolutionLabel(code, lang) })) });
    }),
  );

  server.get(
    '/agent/api/agents',
    guarded(
      async (_req, res) => {
        res.send(200, { agents: await supervision.agentsOverview() });
      },
      { supervisor: true },
    ),
  );

  // ---- supervisor tools (issue 9): blocks with their audit, proof locks, erasure ----

  const tools = o.supervisorTools ?? {};
  const reasonOf = (v: unknown): string | undefined => {
    if (typeof v !== 'string') return undefined;
    const t = v.trim();
    return t && t.length <= MAX_REASON_CHARS ? t : undefined;
  };
  const supervisorGet = (path: string, run: (req: restify.Request, res: restify.Response, agent: AgentIdentity) => Promise<void>) =>
    server.get(`/agent/api/${path}`, guarded(run, { supervisor: true }));
  const supervisorPost = (path: string, run: (b: Record<string, unknown>, req: restify.Request, res: restify.Response, agent: AgentIdentity) => Promise<void>) =>
    server.post(`/agent/api/${path}`, ...jsonBody, guarded(async (req, res, agent) => run(body(req), req, res, agent), { csrf: true, supervisor: true }));

  supervisorGet('blocks', async (_req, res) => {
    if (!tools.blockList) return fail(res, 404, 'not_found');
    res.send(200, { blocks: await tools.blockList.list(), audit: await tools.blockList.audit({ limit: 200 }) });
  });
  supervisorPost('cases/:id/block', async (b, req, res, agent) => {
    if (!tools.blockList) return fail(res, 404, 'not_found');
    const reason = reasonOf(b.reason);
    if (!reason) return fail(res, 400, 'invalid_reason');
    const identity = await service.personalData.customerOf(String(req.params.id));
    if (!identity) return fail(res, 404, 'not_found');
    const block = await tools.blockList.block(identity, agent.id, reason);
    logger.info({ caseId: String(req.params.id), by: agent.id, channel: identity.channel }, 'agentApi: customer blocked by a supervisor');
    res.send(200, { block });
  });
  supervisorPost('blocks/unblock', async (b, _req, res, agent) => {
    if (!tools.blockList) return fail(res, 404, 'not_found');
    const reason = reasonOf(b.reason);
    if (!reason) return fail(res, 400, 'invalid_reason');
    if (typeof b.channel !== 'string' || !b.channel || typeof b.userId !== 'string' || !b.userId) return fail(res, 400, 'invalid_identity');
    const unblocked = await tools.blockList.unblock({ channel: b.channel.slice(0, 100), userId: b.userId.slice(0, 300) }, agent.id, reason);
    if (!unblocked) return fail(res, 404, 'not_found');
    logger.info({ by: agent.id, channel: b.channel }, 'agentApi: customer unblocked by a supervisor');
    res.send(200, { unblocked });
  });
  supervisorGet('proof-locks', async (_req, res) => {
    if (!tools.proofLocks) return fail(res, 404, 'not_found');
    res.send(200, { locks: await tools.proofLocks.listLocks() });
  });
  supervisorPost('proof-locks/:id/clear', async (_b, req, res, agent) => {
    if (!tools.proofLocks) return fail(res, 404, 'not_found');
    const cleared = await tools.proofLocks.clearLock(String(req.params.id).slice(0, 200), agent.id);
    if (!cleared) return fail(res, 404, 'not_found');
    res.send(200, { cleared });
  });
  supervisorPost('erase', async (b, _req, res, agent) => {
    if (!tools.eraser) return fail(res, 404, 'not_found');
    if (b.confirm !== true) return fail(res, 400, 'confirm_required');
    let subject: { phone: string } | { userId: string } | undefined;
    if (typeof b.phone === 'string' && /^\+[1-9]\d{6,14}$/.test(b.phone.replace(/[\s\-().]/g, ''))) subject = { phone: b.phone };
    else if (typeof b.userId === 'string' && b.userId.trim() && b.userId.length <= 300) subject = { userId: b.userId };
    else if (typeof b.caseId === 'string') {
      const identity = await service.personalData.customerOf(b.caseId);
      if (!identity) return fail(res, 404, 'not_found');
      subject = { userId: identity.userId };
    }
    if (!subject) return fail(res, 400, 'invalid_subject');
    res.send(200, { report: await tools.eraser.erase(subject, agent.id) });
  });

  // ---- events ----

  const write = (s: Stream, chunk: string): void => {
    if (!s.res.writableEnded) s.res.write(chunk);
  };

  server.get(
    '/agent/api/events',
    guarded(async (req, res, agent) => {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      res.write(': connected\n\n');
      await supervision.setPresence(agent.id, true);
      await new Promise<void>((done) => {
        const stream: Stream = {
          agentId: agent.id,
          res,
          timer: setInterval(() => {
            write(stream, ': heartbeat\n\n');
            supervision.setPresence(agent.id, true).catch((err: unknown) => logger.warn({ err }, 'agentApi: presence not refreshed'));
          }, heartbeatMs),
          end: () => {
            clearInterval(stream.timer);
            streams.delete(stream);
            if (!res.writableEnded) res.end();
            done();
          },
        };
        streams.add(stream);
        req.on('close', stream.end);
      });
    }),
  );

  const toConsole = async (e: HandoffEvent): Promise<ConsoleEvent | undefined> => {
    switch (e.type) {
      case 'message':
        return e.caseId ? { type: 'message', caseId: e.caseId, entry: toTranscriptView(e.caseId, e.entry, e.seq ?? 0), seq: e.seq } : undefined;
      case 'presence':
        return { type: 'presence', agentId: e.agentId, online: e.online };
      case 'bus.resync':
        return { type: 'resync' };
      default: {
        const summary = await desk.summaryOf(e.caseId);
        return { type: e.type, caseId: e.caseId, ...(summary ? { case: summary } : {}), ...(e.agentId ? { agentId: e.agentId } : {}) };
      }
    }
  };

  let unsubscribe: Unsubscribe | undefined;
  const subscribed = service
    .subscribe(async (e) => {
      if (!streams.size) return;
      const event = await toConsole(e);
      if (!event) return;
      const chunk = `data: ${JSON.stringify(event)}\n\n`;
      for (const s of streams) write(s, chunk);
    })
    .then((u) => {
      unsubscribe = u;
    })
    .catch((err: unknown) => logger.error({ err }, 'agentApi: cannot subscribe to hand-off events'));

  // ---- pages ----

  const sendFile = async (res: restify.Response, file: string): Promise<void> => {
    const full = resolve(webDir, file);
    if (full !== webDir && !full.startsWith(webDir + sep)) return fail(res, 404, 'not_found');
    let data: Buffer;
    try {
      data = await fs.readFile(full);
    } catch {
      return fail(res, 404, 'not_found');
    }
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': data.length,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': CONSOLE_CSP,
    });
    res.end(data);
  };
  server.get('/agent', async (_req: restify.Request, res: restify.Response) => sendFile(res, 'index.html'));
  if (o.reports) registerReportRoutes(server, { guarded, queries: o.reports, sendPage: sendFile, jsonBody });
  server.get('/agent/assets/*', async (req: restify.Request, res: restify.Response) => sendFile(res, String((req.params as Record<string, string>)['*'] ?? '')));

  return {
    streams: () => streams.size,
    async close() {
      for (const s of [...streams]) s.end();
      await subscribed;
      await unsubscribe?.();
    },
  };
}
