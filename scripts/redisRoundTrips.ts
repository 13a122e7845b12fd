/**
 * A loopback TCP proxy in front of a Redis server that counts round trips: how many times a
 * client, having been answered, sends again. Commands a client sends together (before the
 * server's answer arrives) are one round trip; a command that waits for the answer to the
 * previous one is another. That is the number of network latencies a turn waits for when Redis
 * is elsewhere (Azure Cache for Redis is ~0.5–1 ms away from App Service; loopback hides it).
 *
 * Each round trip is recorded with the names of the commands it carried (RESP arrays of bulk
 * strings, as ioredis sends them), so a caller can leave out background work (a poller's
 * `ZRANGEBYSCORE`) by its commands. Used by `npm run bench` and by the tests of a turn's Redis use.
 * Loopback only.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'net';

export interface RoundTrip {
  /** Which client connection (in the order they connected). */
  connection: number;
  /** When its first command arrived and when its (first) answer was handed to the client (`performance.now()`). */
  start: number;
  end?: number;
  /** The commands sent in this round trip, lower-case, each with its first argument (usually the key). */
  commands: { name: string; key?: string }[];
}

export interface RoundTripProxy {
  /** `redis://127.0.0.1:<port>` of the proxy. */
  url: string;
  /** Every round trip so far, in the order they began. */
  trips: RoundTrip[];
  close(): Promise<void>;
}

/** Parses RESP command arrays out of a client's byte stream, keeping an incomplete tail for the next chunk. */
class CommandReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { name: string; key?: string }[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: { name: string; key?: string }[] = [];
    for (;;) {
      const parsed = this.next();
      if (!parsed) break;
      out.push(parsed);
    }
    return out;
  }

  private next(): { name: string; key?: string } | undefined {
    const buf = this.pending;
    if (buf.length === 0 || buf[0] !== 0x2a /* '*' */) {
      // Not an array (an inline command, or bytes we cannot follow): count it as one unnamed command.
      if (buf.length === 0) return undefined;
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return undefined;
      this.pending = buf.subarray(eol + 2);
      return { name: buf.subarray(0, eol).toString('latin1').split(' ')[0].toLowerCase() };
    }
    let at = buf.indexOf('\r\n');
    if (at < 0) return undefined;
    const count = Number(buf.subarray(1, at).toString('latin1'));
    at += 2;
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      if (at >= buf.length) return undefined;
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const len = Number(buf.subarray(at + 1, eol).toString('latin1'));
      const start = eol + 2;
      if (start + len + 2 > buf.length) return undefined;
      if (i < 2) parts.push(buf.subarray(start, start + len).toString('utf8'));
      at = start + len + 2;
    }
    this.pending = buf.subarray(at);
    return { name: (parts[0] ?? '').toLowerCase(), ...(parts[1] !== undefined ? { key: parts[1] } : {}) };
  }
}

/**
 * Starts the proxy on a free loopback port, forwarding to `target` (`redis://host:port`).
 * `replyDelayMs` holds each answer back that long (default 2): commands a client sends at once
 * leave in separate writes microseconds apart, and on loopback the first answer could arrive
 * between them and split one round trip in two; behind the delay they all arrive before any
 * answer, as they would with Redis a network hop away. Each turn then also takes that much longer
 * per round trip.
 */
export async function startRoundTripProxy(target: string, replyDelayMs = 2): Promise<RoundTripProxy> {
  const to = new URL(target);
  const trips: RoundTrip[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((client) => {
    const connection = connections++;
    const upstream = connect(Number(to.port || 6379), to.hostname);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const reader = new CommandReader();
    /** The trip the client is sending now; closed when the server answers. */
    let open: RoundTrip | undefined;
    client.on('data', (chunk: Buffer) => {
      const commands = reader.push(chunk);
      if (!open) {
        open = { connection, start: performance.now(), commands: [] };
        trips.push(open);
      }
      open.commands.push(...commands);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      // The client can send what depends on an answer only once it has it: that starts the next trip.
      setTimeout(() => {
        if (open) open.end ??= performance.now();
        open = undefined;
        if (!client.destroyed) client.write(chunk);
      }, replyDelayMs);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    trips,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Round trips that carried more than background polling (`isBackground` names a poller's command). */
export function foregroundTrips(trips: RoundTrip[], isBackground: (c: { name: string; key?: string }) => boolean): RoundTrip[] {
  return trips.filter((t) => t.commands.length > 0 && !t.commands.every(isBackground));
}

/**
 * The round trips waited for one after another: trips on different connections (the bot keeps
 * more than one) that overlap in time were waited for together and count once. Sorted by start;
 * each wave holds the trips it merged.
 */
export function waves(trips: RoundTrip[]): RoundTrip[][] {
  const out: { end: number; trips: RoundTrip[] }[] = [];
  for (const t of [...trips].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    const end = t.end ?? Number.POSITIVE_INFINITY;
    if (last && t.start < last.end) {
      last.trips.push(t);
      last.end = Math.max(last.end, end);
    } else out.push({ end, trips: [t] });
  }
  return out.map((w) => w.trips);
}

/** LockerDesk's outbox poller (`ZRANGEBYSCORE <prefix>aux:ob:due`) runs every second whatever the customers do: not part of a turn. */
export const isOutboxPoll = (c: { name: string; key?: string }): boolean => c.name === 'zrangebyscore' && (c.key ?? '').endsWith('aux:ob:due');
