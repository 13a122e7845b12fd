/**
 * Structured JSON logs (pino). Phone numbers and long digit runs are masked in every string of a
 * log line — at any depth of the logged object, inside arrays and inside errors (message, stack,
 * causes) — and known secret fields are redacted, so logs can be shipped anywhere. Errors are
 * logged through {@link serializeError}: botbuilder's dialog state never reaches a log line.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const PHONE_LIKE = /\+?\d[\d\s-]{7,}\d/g;

/** Masks phone numbers and other long digit runs inside free text. */
export function maskDigits(text: string): string {
  return text.replace(PHONE_LIKE, (m) => {
    const digits = m.replace(/\D/g, '');
    return digits.length >= 8 ? `${m.startsWith('+') ? '+' : ''}***${digits.slice(-3)}` : m;
  });
}

const MAX_DEPTH = 8;
const MAX_ITEMS = 100;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An error as it may be logged: type, message, code, stack, cause, its own plain fields — but
 * for botbuilder's dialog errors only the ids of the dialogs on the stack, never
 * `dialogContext`'s state (prompt options and values hold phone numbers and names). The result
 * is not yet masked; {@link maskDeep} does that.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: typeof error === 'string' ? error : 'non-Error thrown' };
  const out: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (key === 'dialogContext' || key === 'cause' || key === 'request' || key === 'response' || key === 'config') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  const dc: unknown = Reflect.get(error, 'dialogContext');
  if (isPlainRecord(dc)) {
    const stack = Array.isArray(dc.stack) ? dc.stack.map((i: unknown) => (isPlainRecord(i) && typeof i.id === 'string' ? i.id : '?')) : [];
    const idOf = (v: unknown) => (typeof v === 'string' ? v : isPlainRecord(v) && typeof v.id === 'string' ? v.id : undefined);
    out.dialogs = { active: idOf(dc.activeDialog), parent: idOf(dc.parent), stack };
  }
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

/**
 * A copy of a value fit for a log line: every string masked with {@link maskDigits} at any depth,
 * errors through {@link serializeError}, binary data as its length, depth and width bounded,
 * cycles cut.
 */
export function maskDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return maskDigits(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  seen.add(value);
  if (value instanceof Error) return maskDeep(serializeError(value), depth + 1, seen);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map || value instanceof Set) return maskDeep([...value], depth + 1, seen);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => maskDeep(v, depth + 1, seen));
    if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'dialogContext') continue;
    out[k] = maskDeep(v, depth + 1, seen);
  }
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lockerdesk' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
          'MicrosoftAppPassword',
          '*.MicrosoftAppPassword',
        ],
        censor: '[redacted]',
      },
      // Errors are already plain (masked) objects by the time serializers run.
      serializers: { err: (v: unknown) => v },
      formatters: {
        log(obj) {
          const masked: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(obj)) masked[k] = maskDeep(v);
          return masked;
        },
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskDigits(a) : a)) as typeof args;
          method.apply(this, masked);
        },
      },
    },
    destination,
  );
}
