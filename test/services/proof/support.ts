/**
 * Shared set-up of the ProofService tests: a sandbox carrier over real HTTP on 127.0.0.1 with a
 * clock the test moves, its SMS outbox read over HTTP, and every log line (sandbox and
 * ProofService) captured so a test can assert no raw phone number was written.
 */
import { Writable } from 'stream';
import { CarrierClient } from '../../../services/carrier/CarrierClient';
import { createSandboxServer, type SandboxServer, type SandboxServerOptions } from '../../../services/carrier/sandbox/server';
import type { SandboxSms } from '../../../services/carrier/sandbox/smsOutbox';
import { SANDBOX_FIXTURES, fixtureParcels } from '../../../services/carrier/sandbox/fixtures';
import { createLogger, type Logger } from '../../../services/logging/logger';
import type { ProofSettings } from '../../../services/proof/ProofService';

export const NOW = new Date('2025-03-12T10:00:00Z');
export const MINUTE = 60_000;

export const DEFAULT_SETTINGS: ProofSettings = {
  codesPerParcelPerDay: 3,
  codesPerPhonePerDay: 3,
  codesPerConversation: 3,
  codesPerClientPerDay: 10,
  codeTtlMinutes: 5,
  proofTtlMinutes: 15,
};

export interface Captured {
  lines: string[];
  logger: Logger;
}

export function captureLogger(): Captured {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream) };
}

export interface CarrierWorld {
  sandbox: SandboxServer;
  url: string;
  carrier: CarrierClient;
  /** Logs of the sandbox (its SMS log lines may contain codes, never a raw phone). */
  sandboxLogs: Captured;
  sms(to: string): Promise<SandboxSms[]>;
  /** The code in the newest SMS to `to`. */
  lastCode(to: string): Promise<string>;
  close(): Promise<void>;
}

export async function carrierWorld(now: () => Date, options: Omit<SandboxServerOptions, 'now' | 'logger'> = {}): Promise<CarrierWorld> {
  const sandboxLogs = captureLogger();
  const sandbox = createSandboxServer({ ...options, now, logger: sandboxLogs.logger });
  const { url } = await sandbox.listen(0, '127.0.0.1');
  const sms = async (to: string): Promise<SandboxSms[]> => {
    const res = await fetch(`${url}/sandbox/sms?to=${encodeURIComponent(to)}`);
    if (res.status !== 200) throw new Error(`outbox answered ${res.status}`);
    return (await res.json()) as SandboxSms[];
  };
  return {
    sandbox,
    url,
    carrier: new CarrierClient({ baseUrl: url, timeoutMs: 3000, retries: 0 }),
    sandboxLogs,
    sms,
    lastCode: async (to) => {
      const [newest] = await sms(to);
      const code = newest?.text.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error('no code in the newest SMS');
      return code;
    },
    close: () => sandbox.close(),
  };
}

/** Every phone the sandbox knows, in the forms a leak would take (E.164 and national digits). */
export function knownPhones(): string[] {
  const phones = new Set<string>();
  for (const p of fixtureParcels()) for (const phone of [p.senderPhone, p.recipientPhone]) phones.add(phone);
  phones.add(SANDBOX_FIXTURES.sharedLookup.senderPhone);
  phones.add(SANDBOX_FIXTURES.sharedLookup.recipientPhone);
  return [...phones];
}

/** Log lines that contain a raw phone number (any E.164-looking run, or a known phone's last 8 digits). */
export function linesWithPhones(lines: string[], extra: string[] = []): string[] {
  const needles = [...knownPhones(), ...extra].map((p) => p.replace(/\D/g, '').slice(-8));
  return lines.filter((line) => /\+?370\s?\d{8}\b|\+\d{10,14}\b/.test(line) || needles.some((n) => line.includes(n)));
}

/** A different 6-digit code. */
export const otherThan = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
