/**
 * Structured JSON logs (pino). Phone numbers and long digit runs are masked in every string
 * field, and known secret fields are redacted, so logs can be shipped anywhere.
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
      formatters: {
        log(obj) {
          for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') (obj as Record<string, unknown>)[k] = maskDigits(v);
          return obj;
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
