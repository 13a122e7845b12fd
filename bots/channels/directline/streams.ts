import type { IncomingMessage, Server as HttpServer } from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../../services/logging/logger';
import type { DirectLineTokenClaims, DirectLineTokens } from './auth';
import type { OriginPolicy } from './origins';
import type { ClientActivity } from './shaping';
import { DirectLineStoreUnavailable, type ActivityEntry, type DirectLineStore, type LiveEvent } from './store';

/** Options of {@link DirectLineStreams}. */
export interface DirectLineStreamsOptions {
  store: DirectLineStore;
  tokens: DirectLineTokens;
  /** Browsers' `Origin` on the upgrade request is checked like on every other route. */
  origins: OriginPolicy;
  /**
   * Makes sure the token's conversation exists (restoring it from the token's claims when this
   * process does not hold it, e.g. after a restart); false when it cannot be served.
   */
  open(claims: DirectLineTokenClaims): Promise<boolean>;
  /** Path prefix of the endpoint, e.g. `/v3/directline`. */
  basePath: string;
  /** Interval of WebSocket pings; a socket that missed the previous pong is dropped. */
  heartbeatMs: number;
  /** Sockets kept per conversation; the oldest is closed with reason `collision` beyond it. */
  maxSocketsPerConversation: number;
  logger: Logger;
}

interface Live {
  ws: WebSocket;
  conversationId: string;
  alive: boolean;
  expiry: NodeJS.Timeout;
  unsubscribe: () => void;
}

/** Close codes sent to clients; directlinejs treats any close as "reconnect after a delay". */
const CLOSE_POLICY = 1008;
const CLOSE_GOING_AWAY = 1001;

/**
 * The WebSocket side of the embedded Direct Line: `GET <basePath>/conversations/:id/stream?t=&watermark=`
 * upgraded on the HTTP server restify runs on. On connect it sends the backlog after the watermark
 * in one ActivitySet, then every new activity as it is logged, each activity exactly once per
 * socket. Sockets close when their token expires, when the conversation is forgotten, or on missed
 * heartbeats. Frames carry only shaped activities (see `shaping.ts`).
 */
export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly live = new Set<Live>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly pathPattern: RegExp;
  private attachedTo: HttpServer | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.upgrade(req, socket, head);
  };

  constructor(private readonly options: DirectLineStreamsOptions) {
    const base = options.basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.pathPattern = new RegExp(`^${base}/conversations/([^/?]+)/stream$`);
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Starts handling upgrades of the given HTTP server (restify's `server.server`); it owns every WebSocket upgrade there. */
  attach(server: HttpServer): void {
    this.attachedTo = server;
    server.on('upgrade', this.onUpgrade);
  }

  /** Open sockets, for tests and metrics. */
  get openSockets(): number {
    return this.live.size;
  }

  /** Closes a conversation's sockets; directlinejs clients reconnect and resume from their watermark. */
  drop(conversationId: string): number {
    const mine = [...this.live].filter((l) => l.conversationId === conversationId);
    for (const l of mine) this.end(l, CLOSE_GOING_AWAY, 'dropped');
    return mine.length;
  }

  /** Closes every socket and stops listening for upgrades. */
  close(): void {
    clearInterval(this.heartbeat);
    this.attachedTo?.off('upgrade', this.onUpgrade);
    for (const l of [...this.live]) this.end(l, CLOSE_GOING_AWAY, 'server shutting down');
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = this.pathPattern.exec(url.pathname);
    // This server has no other WebSocket endpoint: any other upgrade is refused at once (restify
    // proxies the event but never answers it, so an unanswered socket would stay open forever).
    if (!match) return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (!this.options.origins.allows(typeof origin === 'string' ? origin : undefined)) return refuse(socket, 403, 'Forbidden');
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(match[1]);
    } catch {
      return refuse(socket, 404, 'Not Found');
    }
    const token = url.searchParams.get('t');
    if (!token) return refuse(socket, 401, 'Unauthorized');
    const check = this.options.tokens.verify(token);
    if (!check.ok || check.claims.conv !== conversationId) return refuse(socket, 403, 'Forbidden');
    const watermarkParam = url.searchParams.get('watermark');
    const after = watermarkParam && /^\d+$/.test(watermarkParam) ? Number(watermarkParam) : -1;
    let exists: boolean;
    try {
      exists = await this.options.open(check.claims);
    } catch (err) {
      this.options.logger.error({ err, conversationId }, 'DirectLineStreams.upgrade(): store failed');
      return err instanceof DirectLineStoreUnavailable ? refuse(socket, 503, 'Service Unavailable') : refuse(socket, 500, 'Internal Server Error');
    }
    if (!exists) return refuse(socket, 404, 'Not Found');
    const msLeft = check.claims.exp * 1000 - this.options.tokens.now();
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.connected(ws, conversationId, after, msLeft));
  }

  private async connected(ws: WebSocket, conversationId: string, after: number, msLeft: number): Promise<void> {
    let sentUpTo = after;
    let ready = false;
    const queued: LiveEvent[] = [];
    const sendEntries = (entries: ActivityEntry[]): void => {
      const fresh = entries.filter((e) => e.watermark > sentUpTo);
      if (fresh.length === 0) return;
      sentUpTo = fresh[fresh.length - 1].watermark;
      send(ws, { activities: fresh.map((e) => e.activity), watermark: String(sentUpTo) });
    };
    /** Sends what the log holds past `sentUpTo`; false when the conversation is gone. */
    const catchUp = async (): Promise<boolean> => {
      const backlog = await this.options.store.getActivities(conversationId, sentUpTo);
      if (!backlog) return false;
      sendEntries(backlog.entries);
      return true;
    };
    const deliver = (event: LiveEvent): void => {
      if (event.kind === 'ended') return this.end(entry, CLOSE_GOING_AWAY, 'conversation ended');
      if (event.kind === 'ephemeral') return send(ws, { activities: [event.activity] });
      if (event.kind === 'resync') {
        catchUp().catch((err: unknown) => this.options.logger.warn({ err, conversationId }, 'DirectLineStreams: re-reading the log failed'));
        return;
      }
      sendEntries([event.entry]);
    };
    const entry: Live = {
      ws,
      conversationId,
      alive: true,
      expiry: setTimeout(() => this.end(entry, CLOSE_POLICY, 'token expired'), Math.max(0, Math.min(msLeft, 2 ** 31 - 1))),
      unsubscribe: this.options.store.subscribe(conversationId, (event) => (ready ? deliver(event) : queued.push(event))),
    };
    entry.expiry.unref();
    this.live.add(entry);
    this.evictCollisions(conversationId);
    ws.on('pong', () => {
      entry.alive = true;
    });
    ws.on('close', () => this.forget(entry));
    ws.on('error', () => this.forget(entry));
    try {
      if (!(await catchUp())) return this.end(entry, CLOSE_GOING_AWAY, 'conversation ended');
      ready = true;
      for (const event of queued.splice(0)) deliver(event);
    } catch (err) {
      this.options.logger.error({ err, conversationId }, 'DirectLineStreams.connected(): backlog failed');
      this.end(entry, 1011, 'internal error');
    }
  }

  private evictCollisions(conversationId: string): void {
    const mine = [...this.live].filter((l) => l.conversationId === conversationId);
    while (mine.length > this.options.maxSocketsPerConversation) {
      const oldest = mine.shift();
      if (oldest) this.end(oldest, CLOSE_POLICY, 'collision');
    }
  }

  private beat(): void {
    for (const l of this.live) {
      if (!l.alive) {
        l.ws.terminate();
        this.forget(l);
        continue;
      }
      l.alive = false;
      try {
        l.ws.ping();
      } catch {
        this.forget(l);
      }
    }
  }

  private end(l: Live, code: number, reason: string): void {
    this.forget(l);
    if (l.ws.readyState === WebSocket.OPEN || l.ws.readyState === WebSocket.CONNECTING) l.ws.close(code, reason);
  }

  private forget(l: Live): void {
    if (!this.live.delete(l)) return;
    clearTimeout(l.expiry);
    l.unsubscribe();
  }
}

function send(ws: WebSocket, frame: { activities: ClientActivity[]; watermark?: string }): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
