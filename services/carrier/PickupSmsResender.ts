/**
 * "The SMS with the pickup code never came / I deleted it": re-sends the pickup SMS to the
 * recipient phone already on the parcel. Safe self-service (nothing changes, the SMS goes only to
 * the phone on file), but an SMS costs money and can harass the recipient, so on top of the
 * carrier's own limit the bot allows at most `resendsPerDay` re-sends per parcel and per
 * conversation in 24 hours (across instances when the limits are in Redis).
 */
import type { LimiterFactory, NamedLimiter } from '../limits/limiter';
import type { Logger } from '../logging/logger';
import { normalizeS10 } from './s10';
import { CarrierError, type CarrierApi, type ParcelStatus } from './types';

export type PickupSmsOutcome =
  /** Sent to `phoneMasked` (the recipient phone on file). */
  | { outcome: 'sent'; phoneMasked: string }
  /** Re-sent too often already (by us or the carrier): a person can help. */
  | { outcome: 'limited' }
  /** Not in the locker: say so and when to expect the SMS. */
  | { outcome: 'not_in_locker'; status: ParcelStatus }
  | { outcome: 'not_found' }
  | { outcome: 'unavailable' };

export interface PickupSmsResenderOptions {
  carrier: Pick<CarrierApi, 'resendPickupSms'>;
  limits: LimiterFactory;
  /** `PICKUP_SMS_RESENDS_PER_DAY`. */
  resendsPerDay: number;
  logger: Logger;
}

export class PickupSmsResender {
  private readonly perParcel: NamedLimiter;
  private readonly perConversation: NamedLimiter;

  constructor(private readonly options: PickupSmsResenderOptions) {
    this.perParcel = options.limits.create('pickup-sms.per-parcel', { points: options.resendsPerDay, windowSeconds: 86_400 });
    this.perConversation = options.limits.create('pickup-sms.per-conversation', { points: options.resendsPerDay, windowSeconds: 86_400 });
  }

  /**
   * Re-sends once per call (pass `idempotencyKey`, e.g. from `changeIdempotencyKey`, so a repeated
   * delivery of the same request sends nothing more). Limits are checked before the carrier.
   */
  async resend(request: { conversationId: string; trackingNumber: string; idempotencyKey?: string }): Promise<PickupSmsOutcome> {
    const { conversationId, idempotencyKey } = request;
    const trackingNumber = normalizeS10(request.trackingNumber);
    const consumed: Array<[NamedLimiter, string]> = [];
    try {
      for (const [limiter, key] of [
        [this.perConversation, conversationId],
        [this.perParcel, trackingNumber],
      ] as const) {
        if (!(await limiter.consume(key)).allowed) {
          for (const [l, k] of consumed) await l.refund(k).catch(() => undefined);
          this.options.logger.warn({ conversationId, pickupSms: { event: 'limited', limiter: limiter.name, trackingNumber } }, 'pickup SMS re-send refused by our limit');
          return { outcome: 'limited' };
        }
        consumed.push([limiter, key]);
      }
    } catch (err) {
      this.options.logger.error({ err, conversationId }, 'pickup SMS: the limit store failed; nothing sent');
      return { outcome: 'unavailable' };
    }
    const refund = async () => {
      for (const [l, k] of consumed) await l.refund(k).catch(() => undefined);
    };
    try {
      const result = await this.options.carrier.resendPickupSms(trackingNumber, { idempotencyKey });
      this.options.logger.info({ conversationId, pickupSms: { event: result.sent ? 'sent' : 'carrier_declined', trackingNumber, to: result.phoneMasked } }, 'pickup SMS re-send');
      return result.sent ? { outcome: 'sent', phoneMasked: result.phoneMasked } : { outcome: 'limited' };
    } catch (err) {
      await refund();
      if (err instanceof CarrierError && err.code === 'wrong_status' && err.status) return { outcome: 'not_in_locker', status: err.status };
      if (err instanceof CarrierError && err.code === 'not_found') return { outcome: 'not_found' };
      this.options.logger.warn({ err, conversationId }, 'pickup SMS: the carrier could not re-send');
      return { outcome: 'unavailable' };
    }
  }
}
