/**
 * The key a parcel number is compared by in report events: 16 hex digits of its SHA-256, never
 * the number itself (enough to tell a repeat contact about the same parcel).
 */
import { createHash } from 'crypto';

export function parcelKey(trackingNumber: string): string {
  return createHash('sha256').update(trackingNumber.toUpperCase().replace(/[\s-]/g, '')).digest('hex').slice(0, 16);
}
