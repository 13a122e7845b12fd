/**
 * The proof step on its own (DialogTestClient, in-memory carrier and limits, the code read from the
 * sandbox's SMS outbox), in lt/en/ru: every code case — right (plain, spaced, in words), wrong,
 * not a code, expired, too many tries, too many codes, a code from another conversation, "send a new
 * code", "I can't get the code", a person asked for — and that the chat shows the phone only masked.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import type { Lang } from '../../services/i18n/langs';
import { LANGS } from '../../services/i18n/langs';
import { maskPhone } from '../../services/i18n/format';
import { CodeProofDialog } from '../../dialogs/proof/CodeProofDialog';
import type { ProofOptions } from '../../dialogs/proof/proofStep';
import { DialogTestClient, dialogWorld } from '../support/dialogTestClient';
import { expectKeys, texts, type Reply } from '../support/messages';
import { codeTo, dialogTable, wrongCodeFor, type DialogCase } from './dialogCases';

const P = F.readdressable;
const parcel: ProofOptions = { target: { kind: 'parcel', trackingNumber: P.trackingNumber, role: 'sender' } };
const typed: ProofOptions = { target: { kind: 'phone', phoneE164: F.sharedLookup.senderPhone } };

/** Digits as a customer writes them in words. */
const WORDS: Record<Lang, string[]> = {
  lt: ['nulis', 'vienas', 'du', 'trys', 'keturi', 'penki', 'šeši', 'septyni', 'aštuoni', 'devyni'],
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  ru: ['ноль', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'],
};
const inWords = (lang: Lang) => (code: string) => [...code].map((d) => WORDS[lang][Number(d)]).join(' ');
const spaced = (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`;

/** The raw phone in any form a leak would take. */
const rawForms = (e164: string) => [e164, e164.replace('+370', '8'), e164.slice(1), e164.slice(4)];
function expectNoRawPhone(replies: Reply[][], e164: string): void {
  const all = replies.map(texts).join('\n');
  for (const form of rawForms(e164)) expect(all).not.toContain(form);
}

const proven = (e164: string, trackingNumber?: string) => ({
  fact: expect.objectContaining({ kind: 'phone', e164, role: 'sender', ...(trackingNumber ? { trackingNumber } : {}) }),
  proofToken: expect.any(String),
});

dialogTable<ProofOptions>(
  'CodeProofDialog',
  (deps) => new CodeProofDialog(deps),
  (L, lang): DialogCase<ProofOptions>[] => {
    const button = (key: string) => (w: { messages: { t(l: Lang, k: string): string } }) => w.messages.t(lang, key);
    return [
      {
        name: 'happy path: a code to the sender phone on the parcel, only the masked phone shown, typed back proves it',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [codeTo(P.senderPhone), ['proof.code.proven']],
        ],
        result: proven(P.senderPhone, P.trackingNumber),
        check: ({ world, client, replies }) => {
          expect(texts(replies[0])).toContain(maskPhone(P.senderPhone));
          expect(replies[0][0].buttons).toEqual([world.messages.t(lang, 'buttons.newCode'), world.messages.t(lang, 'buttons.cannotReceiveCode')]);
          expectNoRawPhone(replies, P.senderPhone);
          expect(client.lastTurn?.conversation.proven.map((f) => f.e164)).toEqual([P.senderPhone]);
        },
      },
      {
        name: 'the code typed with a space',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [codeTo(P.senderPhone, spaced), ['proof.code.proven']],
        ],
        result: proven(P.senderPhone, P.trackingNumber),
      },
      {
        name: 'the code written in words',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [codeTo(P.senderPhone, inWords(lang)), ['proof.code.proven']],
        ],
        result: proven(P.senderPhone, P.trackingNumber),
      },
      {
        name: 'the lost-tracking-number flow: a code to the typed phone, said without telling whether it sends parcels',
        options: typed,
        steps: [
          ['…', ['proof.code.sentPhone']],
          [codeTo(F.sharedLookup.senderPhone), ['proof.code.proven']],
        ],
        result: proven(F.sharedLookup.senderPhone),
        check: ({ replies }) => expectNoRawPhone(replies, F.sharedLookup.senderPhone),
      },
      {
        name: 'wrong code: tries left are told calmly; the right code still works',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [wrongCodeFor(P.senderPhone), ['proof.code.wrong']],
          [codeTo(P.senderPhone), ['proof.code.proven']],
        ],
        result: proven(P.senderPhone, P.trackingNumber),
        check: ({ world, replies }) => expect(texts(replies[1])).toContain(world.messages.t(lang, 'proof.code.wrong', { count: 2 })),
      },
      {
        name: 'not a code (five digits, a phone, words): a code has 6 digits (a phone is said to be one), no try spent; three of them offer a person',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          ['12345', ['proof.code.notACode', 'proof.code.ask']],
          [P.senderPhone, ['proof.code.phoneNotCode', 'proof.code.ask']],
          ['🙂', ['proof.code.notACode']],
        ],
        result: { exit: { status: 'offer_person', reason: 'too_many_attempts', fields: { trackingNumber: P.trackingNumber } } },
      },
      {
        name: 'expired code: "no longer valid"; a new code works',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          { wait: 6 },
          [codeTo(P.senderPhone), ['proof.code.expired']],
          [button('buttons.newCode'), ['proof.code.resent']],
          [codeTo(P.senderPhone), ['proof.code.proven']],
        ],
        result: proven(P.senderPhone, P.trackingNumber),
      },
      {
        name: 'too many tries: the third wrong code kills it; a new code (asked in words) works',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [wrongCodeFor(P.senderPhone), ['proof.code.wrong']],
          [wrongCodeFor(P.senderPhone), ['proof.code.wrong']],
          [wrongCodeFor(P.senderPhone), ['proof.code.exhausted']],
          [codeTo(P.senderPhone), ['proof.code.expired']],
          [(w) => w.messages.list(lang, 'words.newCode')[0], ['proof.code.resent']],
          [codeTo(P.senderPhone), ['proof.code.proven']],
        ],
        result: proven(P.senderPhone, P.trackingNumber),
      },
      {
        name: 'too many codes: the 4th request is refused calmly and the case goes to a person (proof_locked)',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [button('buttons.newCode'), ['proof.code.resent']],
          [button('buttons.newCode'), ['proof.code.resent']],
          [button('buttons.newCode'), ['proof.code.locked']],
        ],
        result: { exit: { status: 'escalate', reason: 'proof_locked', fields: { trackingNumber: P.trackingNumber } } },
        check: ({ world }) => expect(world.carrier.outbox.list(P.senderPhone)).toHaveLength(3),
      },
      {
        name: 'every try of every code spent: locked, a person helps (proof_locked)',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          ...[1, 2, 3].flatMap((round): DialogCase<ProofOptions>['steps'] => [
            [wrongCodeFor(P.senderPhone), ['proof.code.wrong']],
            [wrongCodeFor(P.senderPhone), ['proof.code.wrong']],
            [wrongCodeFor(P.senderPhone), [round < 3 ? 'proof.code.exhausted' : 'proof.code.locked']],
            ...(round < 3 ? ([[button('buttons.newCode'), ['proof.code.resent']]] as DialogCase<ProofOptions>['steps']) : []),
          ]),
        ],
        result: { exit: { status: 'escalate', reason: 'proof_locked', fields: { trackingNumber: P.trackingNumber } } },
      },
      {
        name: '"I can\'t get the code" (the button): a person checks another way (cannot_receive_code)',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [button('buttons.cannotReceiveCode'), ['proof.code.cannotReceive']],
        ],
        result: { exit: { status: 'escalate', reason: 'cannot_receive_code', fields: { trackingNumber: P.trackingNumber } } },
      },
      {
        name: '"not my phone any more" in free text: a person checks another way',
        options: parcel,
        steps: [
          ['…', ['proof.code.sent']],
          [(w) => `${w.messages.list(lang, 'words.cannotReceiveCode')[4]}!`, ['proof.code.cannotReceive']],
        ],
        result: { exit: { status: 'escalate', reason: 'cannot_receive_code', fields: { trackingNumber: P.trackingNumber } } },
      },
      {
        name: '"I want a person" while a code is awaited',
        options: parcel,
        script: [[L.agent, ['agent', 0.95]]],
        steps: [
          ['…', ['proof.code.sent']],
          [L.agent, []],
        ],
        result: { exit: { status: 'escalate', reason: 'agent_requested', fields: { trackingNumber: P.trackingNumber } } },
      },
    ];
  },
);

describe.each(LANGS.map((l) => [l]))('CodeProofDialog across conversations in %s', (lang: Lang) => {
  test('a code typed in another conversation proves nothing there, and still works where it was sent', async () => {
    const world = await dialogWorld();
    const owner = new DialogTestClient(new CodeProofDialog(world.deps), parcel, world, { lang });
    const other = new DialogTestClient(new CodeProofDialog(world.deps), parcel, world, { lang });
    expectKeys(world.messages, lang, await owner.send('…'), ['proof.code.sent']);
    const ownersCode = world.lastCode(P.senderPhone);
    expectKeys(world.messages, lang, await other.send('…'), ['proof.code.sent']);
    const othersCode = world.lastCode(P.senderPhone);
    // The other conversation has its own code; the owner's code there is just a wrong one (same calm answer).
    if (ownersCode !== othersCode) expectKeys(world.messages, lang, await other.send(ownersCode), ['proof.code.wrong']);
    expect(other.waiting).toBe(true);
    expectKeys(world.messages, lang, await owner.send(ownersCode), ['proof.code.proven']);
    expect(owner.result).toEqual(proven(P.senderPhone, P.trackingNumber));
    expect(other.lastTurn?.conversation.proven).toEqual([]);
  });
});
