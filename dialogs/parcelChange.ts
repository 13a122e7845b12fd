/**
 * What every parcel change shares: the idempotency key that makes a repeated confirmation harmless.
 */
import { createHash } from 'crypto';
import type { PhoneRole } from '../services/carrier/types';
import type { ProvenFact } from '../services/proof/types';

/** A change the customer has confirmed and the bot is about to ask the carrier for. */
export type PendingChange =
  | { action: 'readdress'; trackingNumber: string; newLockerId: string }
  | { action: 'change_phone'; trackingNumber: string; role: PhoneRole; newPhone: string };

/**
 * The carrier `Idempotency-Key` of a pickup-SMS re-send: the conversation, the parcel and the
 * customer's message that asked for it (a channel delivering that message twice sends one SMS).
 */
export function pickupSmsIdempotencyKey(conversationId: string, trackingNumber: string, requestId: string): string {
  const hash = createHash('sha256').update([conversationId, 'pickup_sms', trackingNumber, requestId].join('\n')).digest('hex');
  return `ld-pickup-sms-${hash.slice(0, 40)}`;
}

/**
 * The carrier `Idempotency-Key` of `change`: a hash of the conversation, the action, the parcel,
 * the target and the proof that authorizes it. The same confirmation delivered twice (a channel
 * retry, two turns racing on one state) gets the same key, so the carrier answers the first outcome
 * again instead of changing twice. The proof is part of it because every change needs a fresh one:
 * moving a parcel to L, away, and to L again later is three real changes with three keys, not a
 * replay of the first. No phone or parcel number can be read back from the key.
 */
export function changeIdempotencyKey(conversationId: string, change: PendingChange, proof: ProvenFact): string {
  const target = change.action === 'readdress' ? change.newLockerId : `${change.role}:${change.newPhone}`;
  const hash = createHash('sha256').update([conversationId, change.action, change.trackingNumber, target, proof.provenAt].join('\n')).digest('hex');
  return `ld-${change.action}-${hash.slice(0, 40)}`;
}
