/**
 * The sandbox's SMS outbox: every text the sandbox carrier "sends" (one-time codes, pickup SMS)
 * is kept here instead of going to a phone, so testers and tests can read it
 * (`GET /sandbox/sms?to=<E.164>` on the sandbox's own loopback listener), and is written to the
 * log with the phone masked. The text itself is logged as is: in the sandbox a code may appear.
 *
 * Bounded: the newest `maxPerPhone` messages per number and `maxPhones` numbers are kept.
 */
import type { Logger } from '../../logging/logger';
import { maskPhone } from './maskPhone';

/** One text message as the outbox shows it. */
export interface SandboxSms {
  /** E.164. */
  to: string;
  text: string;
  /** ISO timestamp. */
  at: string;
}

export interface SmsOutboxOptions {
  now: () => Date;
  logger?: Logger;
  maxPerPhone?: number;
  maxPhones?: number;
}

export class SmsOutbox {
  private readonly byPhone = new Map<string, SandboxSms[]>();
  private readonly maxPerPhone: number;
  private readonly maxPhones: number;

  constructor(private readonly options: SmsOutboxOptions) {
    this.maxPerPhone = options.maxPerPhone ?? 50;
    this.maxPhones = options.maxPhones ?? 1000;
  }

  /** "Sends" a text to `to` (E.164). */
  send(to: string, text: string, kind: 'code' | 'pickup'): void {
    const sms: SandboxSms = { to, text, at: this.options.now().toISOString() };
    const list = this.byPhone.get(to) ?? [];
    // Re-inserting moves the number to the end of the map's order, so the least recently texted number is evicted first.
    this.byPhone.delete(to);
    list.unshift(sms);
    list.length = Math.min(list.length, this.maxPerPhone);
    this.byPhone.set(to, list);
    if (this.byPhone.size > this.maxPhones) {
      const oldest = this.byPhone.keys().next();
      if (!oldest.done) this.byPhone.delete(oldest.value);
    }
    this.options.logger?.info({ sms: { to: maskPhone(to), kind, text } }, 'sandbox carrier: SMS sent (kept in the outbox)');
  }

  /** Messages sent to `to`, newest first (copies). */
  list(to: string): SandboxSms[] {
    return (this.byPhone.get(to) ?? []).map((m) => ({ ...m }));
  }

  /** The newest message to `to`, if any. */
  latest(to: string): SandboxSms | undefined {
    return this.list(to)[0];
  }
}
