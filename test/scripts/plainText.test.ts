import { renderPlain } from '../../scripts/plainText';

describe('plain-text rendering for npm run chat and other text-only clients', () => {
  test('suggested actions become a numbered list whose numbers send the value', () => {
    const r = renderPlain({ type: 'message', text: 'Kuo galiu padėti?', suggestedActions: { actions: [{ title: 'Pakeisti paštomatą', value: 'Pakeisti paštomatą' }, { title: 'Kur mano siunta?' }] } })!;
    expect(r.text).toBe('Kuo galiu padėti?\n  [1] Pakeisti paštomatą\n  [2] Kur mano siunta?');
    expect(r.buttons).toEqual(['Pakeisti paštomatą', 'Kur mano siunta?']);
  });

  test('hero cards show title and text, with their buttons numbered', () => {
    const r = renderPlain({
      type: 'message',
      text: 'These lockers match.',
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { title: 'Ozas paštomatas', text: 'Ozo g. 18, Vilnius\n24/7', buttons: [{ type: 'imBack', title: 'Choose', value: 'Ozas paštomatas' }] } }],
    })!;
    expect(r.text).toContain('Ozas paštomatas\nOzo g. 18, Vilnius\n24/7');
    expect(r.buttons).toEqual(['Ozas paštomatas']);
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
