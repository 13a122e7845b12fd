/**
 * NoSmsDialog on its own, in lt/en/ru: "the SMS with the code never came" / "I deleted it". The
 * parcel first: on its way → when to expect the SMS; finished → nothing to send; in the locker →
 * the pickup SMS re-sent to the phone on file (masked, within the bot's limit) or the wrong-phone
 * case for the recipient's number (not asked which number again). The code never shows in chat.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { NoSmsDialog, type NoSmsOptions } from '../../dialogs/NoSmsDialog';
import { hasMessage, texts } from '../support/messages';
import { codeTo, dialogTable, type DialogCase } from './dialogCases';

const P = F.inLocker;

const RESEND = { lt: 'siųskite dar kartą', en: 'send it again please', ru: 'отправьте ещё раз' } as const;
const WRONG = { lt: 'numeris neteisingas', en: 'the number is wrong', ru: 'номер неверный' } as const;

dialogTable<NoSmsOptions>(
  'NoSmsDialog',
  (deps) => new NoSmsDialog(deps),
  (L, lang): DialogCase<NoSmsOptions>[] => [
    {
      name: 'in the locker: re-sent to the phone on file, shown masked; the SMS goes out, the code never shows in chat',
      options: {},
      steps: [
        [L.fixPhone, ['ask.trackingNumberNoSms']],
        [P.trackingNumber, ['noSms.offer']],
        [RESEND[lang], ['noSms.sent']],
      ],
      result: { status: 'done' },
      check: ({ world, replies }) => {
        const all = replies.map(texts).join('\n');
        expect(all).not.toContain(P.recipientPhone);
        expect(all).toMatch(/\+370 6\*\* \*\*344/);
        const sms = world.carrier.outbox.latest(P.recipientPhone);
        expect(sms?.text).toContain(P.trackingNumber);
        const code = sms?.text.match(/kodas: (\d+)/)?.[1];
        expect(code).toBeDefined();
        expect(all).not.toContain(String(code));
        expect(replies[1][0].buttons).toEqual([world.messages.t(lang, 'buttons.resendSms'), world.messages.t(lang, 'buttons.wrongNumber')]);
      },
    },
    {
      name: 'the parcel number in the first message: straight to the offer; the button works',
      options: { trackingNumber: P.trackingNumber },
      steps: [
        [L.fixPhone, ['noSms.offer']],
        [(w) => w.messages.t(lang, 'buttons.resendSms'), ['noSms.sent']],
      ],
      result: { status: 'done' },
    },
    {
      name: 'not in the locker yet: said so, with when to expect the SMS; nothing sent',
      options: { trackingNumber: F.readdressable.trackingNumber },
      steps: [[L.fixPhone, ['noSms.notYet']]],
      result: { status: 'done' },
      check: ({ world, replies }) => {
        expect(texts(replies[0])).toContain(world.messages.t(lang, 'status.in_transit'));
        expect(world.carrier.outbox.latest(F.readdressable.recipientPhone)).toBeUndefined();
      },
    },
    {
      name: 'already collected: nothing to send',
      options: { trackingNumber: F.delivered.trackingNumber },
      steps: [[L.fixPhone, ['noSms.finished']]],
      result: { status: 'done' },
    },
    {
      name: 'the bot\'s limit: after the allowed re-sends a person is offered instead',
      options: { trackingNumber: P.trackingNumber },
      steps: [
        [L.fixPhone, ['noSms.offer']],
        [RESEND[lang], ['noSms.sent']],
        [L.fixPhone, ['noSms.offer']],
        [RESEND[lang], ['noSms.sent']],
        [L.fixPhone, ['noSms.offer']],
        [RESEND[lang], ['noSms.limited']],
      ],
      result: { status: 'offer_person', reason: 'too_many_attempts', fields: { trackingNumber: P.trackingNumber } },
      check: ({ world }) => expect(world.carrier.outbox.list(P.recipientPhone)).toHaveLength(2),
    },
    {
      name: 'the number on file is wrong: the wrong-phone case with its proof, for the recipient\'s number (not asked which)',
      options: { trackingNumber: P.trackingNumber },
      steps: [
        [L.fixPhone, ['noSms.offer']],
        [WRONG[lang], ['proof.code.sent']],
        [codeTo(P.senderPhone), ['ask.newRecipientPhone']],
        ['8 612 34000', ['fixPhone.confirm']],
        [L.yes, ['fixPhone.doneSmsResent']],
      ],
      result: { status: 'done' },
      check: ({ world, replies }) => expect(hasMessage(world.messages, lang, replies[2], 'fixPhone.whichNumber')).toBe(false),
    },
    {
      name: '"I want a person" at the offer: handed on with the parcel number',
      options: { trackingNumber: P.trackingNumber },
      script: [[L.agent, ['agent', 0.95]]],
      steps: [
        [L.fixPhone, ['noSms.offer']],
        [L.agent, []],
      ],
      result: { status: 'escalate', reason: 'agent_requested', fields: { trackingNumber: P.trackingNumber } },
    },
    {
      name: 'a number the carrier does not know is asked again',
      options: {},
      steps: [
        [L.fixPhone, ['ask.trackingNumberNoSms']],
        ['CE000000005LT', ['invalid.tracking.not_found']],
        [P.trackingNumber, ['noSms.offer']],
      ],
      result: 'waiting',
    },
  ],
);
