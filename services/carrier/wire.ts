/**
 * Zod schemas of the carrier HTTP contract (`services/carrier/openapi.yaml`), shared by
 * `CarrierClient` (to validate what the carrier answers) and the sandbox server (to validate what
 * it receives). Objects are not strict: unknown fields a carrier adds later are dropped, not fatal.
 */
import { z } from 'zod';
import { LANGS } from '../i18n/langs';
import { PARCEL_STATUSES } from './types';

/** E.164: `+`, country code, up to 15 digits in all. */
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number, e.g. +37061234567');

export const parcelStatusSchema = z.enum(PARCEL_STATUSES);

const hhmmRange = z.string().regex(/^\d\d:\d\d-\d\d:\d\d$/);
const dayHours = hhmmRange.nullable();

export const openingHoursSchema = z.object({
  allDay: z.boolean(),
  week: z
    .object({ '1': dayHours, '2': dayHours, '3': dayHours, '4': dayHours, '5': dayHours, '6': dayHours, '7': dayHours })
    .optional(),
});

export const lockerSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  city: z.string().min(1),
  address: z.string().min(1),
  postalCode: z.string(),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  hours: openingHoursSchema,
  placeType: z.string(),
  active: z.boolean(),
});

export const lockerListSchema = z.object({ lockers: z.array(lockerSchema) });

export const parcelEventSchema = z.object({
  at: z.string().min(1),
  status: parcelStatusSchema,
  location: z.string().optional(),
});

export const parcelViewSchema = z.object({
  trackingNumber: z.string().min(1),
  status: parcelStatusSchema,
  destinationLockerId: z.string().min(1),
  expectedDelivery: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  pickupDeadline: z.string().optional(),
  events: z.array(parcelEventSchema),
  recipientPhoneMasked: z.string(),
  senderPhoneMasked: z.string(),
});

export const changeOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('done'), smsResent: z.boolean().optional(), reference: z.string().min(1) }),
  z.object({ outcome: z.literal('scheduled'), workingDays: z.number().int().min(0), reference: z.string().min(1) }),
]);

const lockerId = z.string().min(1).max(64);
const phoneRole = z.enum(['recipient', 'sender']);
/** A proof token as issued by `verifyCode` (opaque, URL-safe). */
export const proofToken = z.string().min(16).max(200).regex(/^[A-Za-z0-9._~-]+$/, 'expected a proof token');
/** A one-time code as the carrier checks it: exactly 6 ASCII digits (the bot normalizes what customers type). */
export const oneTimeCode = z.string().regex(/^\d{6}$/, 'expected 6 digits');

/** Readdress: authorized by a sender proof token only (API 2.0: knowing the sender phone authorizes nothing). */
export const readdressRequestSchema = z.object({ proofToken, newLockerId: lockerId });

/** Phone change: authorized by a sender proof token only. */
export const phoneChangeRequestSchema = z.object({ proofToken, role: phoneRole, newPhone: e164 });

export const langSchema = z.enum(LANGS);

export const parcelCodeRequestSchema = z.object({ role: phoneRole, lang: langSchema });
export const phoneCodeRequestSchema = z.object({ phone: e164, lang: langSchema });
export const codeChallengeSchema = z.object({
  challengeId: z.string().min(16).max(200),
  phoneMasked: z.string(),
  phoneKey: z.string().min(8).max(200),
  expiresAt: z.string().min(1),
});

export const codeVerificationRequestSchema = z.object({ challengeId: z.string().min(1).max(200), code: oneTimeCode });
export const codeCheckSchema = z.discriminatedUnion('verified', [
  z.object({ verified: z.literal(true), proofToken, expiresAt: z.string().min(1), phoneE164: e164 }),
  z.object({ verified: z.literal(false), attemptsLeft: z.number().int().min(0) }),
]);

export const pickupSmsResendSchema = z.object({ sent: z.boolean(), phoneMasked: z.string() });

/** Lookup: authorized by a proof of the sender phone only (a `requestPhoneCode` proof). */
export const parcelLookupRequestSchema = z.object({ proofToken, recipientPhone: e164, lockerId });
export const parcelLookupResponseSchema = z.object({ trackingNumbers: z.array(z.string().min(1)) });

/**
 * Every non-2xx answer carries this body. `code` is one of the `CarrierErrorCode`s for business
 * errors (`not_found`, `wrong_status`, `not_verified`, `invalid`, `challenge_expired`,
 * `challenge_locked`, `rate_limited`, `unavailable`), or a transport code (`unauthorized`,
 * `route_not_found`, `method_not_allowed`, `payload_too_large`, `idempotency_conflict`,
 * `internal`). `status` accompanies `wrong_status`.
 */
export const errorBodySchema = z.object({
  code: z.string(),
  message: z.string().optional().default(''),
  status: parcelStatusSchema.optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The header that makes a change request safe to repeat. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** What an `Idempotency-Key` may be: 1-200 visible ASCII characters. */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'expected 1-200 visible ASCII characters');
