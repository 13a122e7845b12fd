/**
 * Idempotency keys for carrier changes, derived from the conversation and the pending change, so
 * the same confirmation delivered twice (a channel retry, a double click, two instances) is sent
 * with the same key and the carrier applies it once. A different change, or the same change
 * confirmed again later in a new attempt (`attempt`), gets another key.
 *
 * The key is a hash: it carries no phone, tracking number or conversation id in clear.
 *
 * @example
 * const idempotencyKey = changeIdempotencyKey(conversationId, ['readdress', trackingNumber, newLockerId], state.confirmations);
 * await carrier.readdressWithProof(trackingNumber, proofToken, newLockerId, { idempotencyKey });
 */
import { createHash } from 'crypto';

export function changeIdempotencyKey(conversationId: string, change: readonly string[], attempt = 0): string {
  if (!conversationId || change.length === 0) throw new TypeError('changeIdempotencyKey(): a conversation id and the change are required');
  const digest = createHash('sha256').update(JSON.stringify([conversationId, ...change, attempt])).digest('base64url');
  return `ld-${digest.slice(0, 40)}`;
}
