import { renderPlain } from '../../scripts/plainText';

describe('plain-text rendering for npm run chat and other text-only clients', () => {
  test('suggested actions become a numbered list whose numbers send the value', () => {
    const r = renderPlain({ type: 'message', text: 'Kuo galiu padėti?', suggestedActions: { actions: [{ title: 'Pakeisti paštomatą', value: 'Pakeisti paštomatą' }, { title: 'Kur mano siunta?' }] } })!;
    expect(r.text).toBe('Kuo galiu padėti?\n  [1] Pakeisti paštomatą\n  [2] Kur mano siunta?');
    expect(r.buttons).toEqual(['Pakeisti paštomatą', 'Kur mano siunta?']);
  });

  test('a hero card with one button is one numbered entry named by the card', () => {
    const r = renderPlain({
      type: 'message',
      text: 'These lockers match.',
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { title: 'Ozas paštomatas', text: 'Ozo g. 18, Vilnius\n24/7', buttons: [{ type: 'imBack', title: 'Choose', value: 'Ozas paštomatas' }] } }],
    })!;
    expect(r.text).toBe('These lockers match.\n  [1] Ozas paštomatas — Ozo g. 18, Vilnius — 24/7');
    expect(r.buttons).toEqual(['Ozas paštomatas']);
  });

  test('hero cards with several buttons show their text and number the buttons', () => {
    const r = renderPlain({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { title: 'Ozas', buttons: [{ title: 'Choose', value: 'Ozas' }, { title: 'Map', value: 'map Ozas' }] } }],
    })!;
    expect(r.text).toBe('Ozas\n  [1] Choose\n  [2] Map');
    expect(r.buttons).toEqual(['Ozas', 'map Ozas']);
  });

  test('Adaptive Cards fall back to their fallback text', () => {
    const r = renderPlain({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', fallbackText: 'History:\n11-20 — on its way', body: [] } }] })!;
    expect(r.text).toBe('History:\n11-20 — on its way');
  });

  test('typing indicators and empty messages print nothing', () => {
    expect(renderPlain({ type: 'typing' })).toBeUndefined();
    expect(renderPlain({ type: 'message' })).toBeUndefined();
  });
});

describe('the locker carousel on a plain channel (npm run chat): one numbered list, each locker once', () => {
  test.each(['lt', 'en', 'ru'] as const)('in %s', async (lang) => {
    const { createMessages } = await import('../../services/i18n/messages');
    const { InMemoryCarrier } = await import('../../services/carrier/sandbox/InMemoryCarrier');
    const { lockerCarousel } = await import('../../dialogs/cards');
    const messages = createMessages();
    const lockers = (await new InMemoryCarrier({}).listLockers()).filter((l) => /Akropolis/.test(l.name));
    const buttons = [...lockers.map((l) => ({ title: l.name })), { title: messages.t(lang, 'buttons.noneOfThese') }];
    const r = renderPlain(lockerCarousel(messages, lang, messages.t(lang, 'lockers.pickCards'), lockers, buttons) as Parameters<typeof renderPlain>[0])!;
    const entries = r.text.split('\n').filter((l) => /^\s+\[\d+\]/.test(l));
    expect(entries).toHaveLength(lockers.length + 1);
    expect(r.text).not.toContain(`] ${messages.t(lang, 'buttons.choose')}`);
    for (const l of lockers) expect(entries.filter((e) => e.includes(l.name))).toHaveLength(1);
    expect(r.buttons).toEqual([...lockers.map((l) => l.name), messages.t(lang, 'buttons.noneOfThese')]);
  });
});
