/**
 * ReaddressDialog on its own (DialogTestClient, in-memory carrier, scripted recognizer), in lt/en/ru:
 * the happy paths, pre-filled values, refusals, validation, the person interruption, and the proof
 * rules — a fresh proof for every change, asked again when it expired before the change.
 */
import { CarrierError, type CarrierApi, type ChangeOptions } from '../../services/carrier/types';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import type { InMemoryCarrier } from '../../services/carrier/sandbox/InMemoryCarrier';
import { ReaddressDialog, type ReaddressOptions } from '../../dialogs/ReaddressDialog';
import { carrierWith } from '../support/carrierWith';
import { hasMessage } from '../support/messages';
import { codeTo, dialogTable, wrongCodeFor, type DialogCase } from './dialogCases';

const P = F.readdressable;

/** Carrier calls that change a parcel, with the options they were sent with. */
const changes: { trackingNumber: string; opts?: ChangeOptions }[] = [];
function recording(inner: InMemoryCarrier): CarrierApi {
  return carrierWith(inner, {
    readdressWithProof: (t, token, l, opts) => {
      changes.push({ trackingNumber: t, opts });
      if (t === F.readdressableNow.trackingNumber && l === F.lockers.bigKlaipeda) return Promise.reject(new CarrierError('unavailable', 'test: carrier down'));
      return inner.readdressWithProof(t, token, l, opts);
    },
  });
}
beforeEach(() => void changes.splice(0));

dialogTable<ReaddressOptions>(
  'ReaddressDialog',
  (deps) => new ReaddressDialog(deps),
  (L, lang): DialogCase<ReaddressOptions>[] => [
    {
      name: 'number → proof → locker by free text → confirm → scheduled by staff, with an idempotency key',
      options: {},
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [P.trackingNumber, ['proof.code.sent']],
        [codeTo(P.senderPhone, (c) => `${c.slice(0, 3)} ${c.slice(3)}`), ['proof.code.proven', 'readdress.current', 'ask.newLocker']],
        [L.lockerQuery, ['readdress.confirm']],
        [L.yes, ['readdress.scheduled']],
      ],
      result: { status: 'done' },
      check: async ({ world, replies }) => {
        expect(replies[3].map((r) => r.text).join(' ')).toMatch(/Panorama/);
        expect((await world.carrier.getParcel(P.trackingNumber)).destinationLockerId).toBe(F.lockers.panorama);
        expect(changes).toHaveLength(1);
        expect(changes[0].opts?.idempotencyKey).toMatch(/^ld-readdress-[0-9a-f]{40}$/);
      },
    },
    {
      name: 'number and locker from the first message: no locker question, done at once',
      options: { trackingNumber: F.readdressableNow.trackingNumber, lockerQuery: 'Akropolis Klaipėda' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(F.readdressableNow.senderPhone), ['readdress.confirm']],
        [L.yes, ['readdress.done']],
      ],
      result: { status: 'done' },
      check: ({ world, lang, replies }) => {
        expect(hasMessage(world.messages, lang, replies[1], 'ask.newLocker')).toBe(false);
        expect(hasMessage(world.messages, lang, replies[1], 'lockers.pick')).toBe(false);
        expect(replies[1].map((r) => r.text).join(' ')).toMatch(/Akropolis Klaipėda/);
      },
    },
    {
      name: 'a parcel already in the locker: its status explained, nothing asked',
      options: {},
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [F.inLocker.trackingNumber, ['readdress.notPossible']],
      ],
      result: { status: 'done' },
      check: ({ world, replies }) => expect(replies[1].map((r) => r.text).join(' ')).toContain(world.messages.t(lang, 'status.in_locker')),
    },
    {
      name: 'proof: not a code, then a wrong code, are answered calmly; the right one goes on',
      options: { trackingNumber: P.trackingNumber },
      steps: [
        [L.readdress, ['proof.code.sent']],
        ['12345', ['proof.code.notACode']],
        [wrongCodeFor(P.senderPhone), ['proof.code.wrong']],
        [codeTo(P.senderPhone), ['proof.code.proven', 'ask.newLocker']],
      ],
      result: 'waiting',
    },
    {
      name: 'too many codes: told calmly, the case goes to a person (proof_locked) with the parcel number',
      options: { trackingNumber: P.trackingNumber },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [(w) => w.messages.t(lang, 'buttons.newCode'), ['proof.code.resent']],
        [(w) => w.messages.t(lang, 'buttons.newCode'), ['proof.code.resent']],
        [(w) => w.messages.t(lang, 'buttons.newCode'), ['proof.code.locked']],
      ],
      result: { status: 'escalate', reason: 'proof_locked', fields: { trackingNumber: P.trackingNumber } },
      check: () => expect(changes).toHaveLength(0),
    },
    {
      name: 'the sender cannot receive the code: a person, with the parcel number',
      options: { trackingNumber: P.trackingNumber, lockerQuery: 'Panorama Vilnius' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [(w) => w.messages.t(lang, 'buttons.cannotReceiveCode'), ['proof.code.cannotReceive']],
      ],
      result: { status: 'escalate', reason: 'cannot_receive_code', fields: { trackingNumber: P.trackingNumber } },
    },
    {
      name: 'a locker search with no match, a yes/no that is neither, then no: nothing changed',
      options: {},
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [P.trackingNumber, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['ask.newLocker']],
        ['qwxzvj', ['invalid.locker.no_match']],
        ['Ozas', ['readdress.confirm']],
        ['🤔', ['invalid.yesNo.not_a_choice']],
        [L.no, ['readdress.notChanged']],
      ],
      result: { status: 'done' },
      check: async ({ world }) => {
        expect((await world.carrier.getParcel(P.trackingNumber)).destinationLockerId).toBe(P.lockerId);
        expect(changes).toHaveLength(0);
      },
    },
    {
      name: 'the locker the parcel already goes to: said so and asked again, never offered',
      options: { trackingNumber: P.trackingNumber, lockerQuery: 'Akropolis Vilnius' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['lockers.onlyCurrent', 'ask.lockerAgain']],
        ['Akropolis', ['lockers.pick']],
      ],
      result: 'waiting',
      check: ({ replies }) => {
        const offered = replies[2].find((r) => r.buttons.length)?.buttons ?? [];
        expect(offered.some((b) => /Akropolis Vilnius/.test(b))).toBe(false);
        expect(offered.filter((b) => /Akropolis/.test(b))).toHaveLength(3);
      },
    },
    {
      name: 'one message names the mall with its city (inflected, no diacritics): one locker, confirmed directly',
      options: { trackingNumber: P.trackingNumber, lockerQuery: 'akropolis klaipedoje' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['readdress.confirm']],
        [L.yes, ['readdress.scheduled']],
      ],
      result: { status: 'done' },
      check: async ({ world }) => expect((await world.carrier.getParcel(P.trackingNumber)).destinationLockerId).toBe(F.lockers.akropolisKlaipeda),
    },
    {
      name: 'from a list by an ordinal word; the locker it already goes to is not in the list',
      options: { trackingNumber: P.trackingNumber, lockerQuery: 'Akropolis' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['lockers.pick']],
        [({ lt: 'antrą', en: 'the second one', ru: 'второй' } as const)[lang], ['readdress.confirm']],
      ],
      result: 'waiting',
      check: ({ replies }) => {
        const offered = replies[1].find((r) => r.buttons.length)?.buttons ?? [];
        expect(offered.some((b) => /Akropolis Vilnius/.test(b))).toBe(false);
        expect(replies[2].map((r) => r.text).join(' ')).toContain(offered[1]);
      },
    },
    {
      name: '"I want a person" at the proof: the case ends with the parcel number for the agent',
      options: {},
      script: [[L.agent, ['agent', 0.95]]],
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [P.trackingNumber, ['proof.code.sent']],
        [L.agent, []],
      ],
      result: { status: 'escalate', reason: 'agent_requested', fields: { trackingNumber: P.trackingNumber } },
    },
    {
      name: '"I want a person" at the locker question keeps the proven sender phone and the current locker',
      options: { trackingNumber: P.trackingNumber },
      script: [[L.agent, ['agent', 0.95]]],
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['ask.newLocker']],
        [L.agent, []],
      ],
      result: { status: 'escalate', reason: 'agent_requested', fields: { trackingNumber: P.trackingNumber, senderPhone: P.senderPhone, lockerId: P.lockerId } },
    },
    {
      name: 'every change needs a fresh proof: a second readdress in the same conversation asks again',
      options: { trackingNumber: F.readdressableNow.trackingNumber, lockerQuery: 'Akropolis Klaipėda' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(F.readdressableNow.senderPhone), ['readdress.confirm']],
        [L.yes, ['readdress.done']],
        [L.readdress, ['proof.code.sent']],
      ],
      result: 'waiting',
      check: ({ client }) => expect(client.lastTurn?.conversation.proven.map((f) => f.e164)).toEqual([F.readdressableNow.senderPhone]),
    },
    {
      name: 'a proof that expired before "yes" is asked for again, and the change waits for it',
      options: { trackingNumber: P.trackingNumber, lockerQuery: 'Panorama Vilnius' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['readdress.confirm']],
        { wait: 16 },
        [L.yes, ['proof.expired', 'proof.code.sent']],
        [codeTo(P.senderPhone), ['readdress.scheduled']],
      ],
      result: { status: 'done' },
      check: async ({ world, replies }) => {
        expect(hasMessage(world.messages, lang, replies[2], 'readdress.scheduled')).toBe(false);
        expect(changes).toHaveLength(1);
        expect((await world.carrier.getParcel(P.trackingNumber)).destinationLockerId).toBe(F.lockers.panorama);
      },
    },
    {
      name: 'the carrier not answering at the change: a person is offered with everything collected',
      options: { trackingNumber: F.readdressableNow.trackingNumber, lockerQuery: 'BIG Klaipėda' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(F.readdressableNow.senderPhone), ['readdress.confirm']],
        [L.yes, []],
      ],
      result: {
        status: 'offer_person',
        reason: 'carrier_unavailable',
        fields: {
          trackingNumber: F.readdressableNow.trackingNumber,
          senderPhone: F.readdressableNow.senderPhone,
          lockerId: F.readdressableNow.lockerId,
          newLockerId: F.lockers.bigKlaipeda,
        },
      },
    },
  ],
  { carrier: recording },
);
