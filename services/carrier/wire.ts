/**
 * Zod schemas of the carrier HTTP contract (`services/carrier/openapi.yaml`), shared by
 * `CarrierClient` (to validate what the carrier answers) and the sandbox server (to validate what
 * it receives). Objects are not strict: unknown fields a carrier adds later are dropped, not fatal.
 */
import { z } from 'zod';
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

export const verifySenderRequestSchema = z.object({ phone: e164 });
export const verifySenderResponseSchema = z.object({ match: z.boolean() });

export const readdressRequestSchema = z.object({ senderPhone: e164, newLockerId: z.string().min(1).max(64) });

export const phoneChangeRequestSchema = z.object({
  senderPhone: e164,
  role: z.enum(['recipient', 'sender']),
  newPhone: e164,
});

export const parcelLookupRequestSchema = z.object({
  senderPhone: e164,
  recipientPhone: e164,
  lockerId: z.string().min(1).max(64),
});
export const parcelLookupResponseSchema = z.object({ trackingNumbers: z.array(z.string().min(1)) });

/**
 * Every non-2xx answer carries this body. `code` is one of the `CarrierErrorCode`s for business
 * errors (`not_found`, `wrong_status`, `not_verified`, `invalid`, `unavailable`), or a transport
 * code (`unauthorized`, `route_not_found`, `method_not_allowed`, `payload_too_large`,
 * `idempotency_conflict`, `internal`). `status` accompanies `wrong_status`.
 */
export const errorBodySchema = z.object({
  code: z.string(),
  message: z.string().optional().default(''),
  status: parcelStatusSchema.optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The header that makes a change request safe to repeat. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
