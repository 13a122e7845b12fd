/**
 * Plain-text rendering of what the bot sends, for text-only clients (`npm run chat`, logs):
 * suggested actions and card buttons become one numbered list, hero cards their title and text,
 * Adaptive Cards their fallback text or text blocks. A card with one button (a carousel of
 * lockers, each with "Choose") is one numbered entry named by the card, not a "[n] Choose"; a
 * suggested action that sends what such an entry sends is not listed again.
 */
export interface PlainActivity {
  type?: string;
  text?: string;
  suggestedActions?: { actions?: { title?: string; value?: unknown }[] };
  attachments?: { contentType?: string; content?: unknown }[];
}

export interface Rendered {
  text: string;
  /** What pressing button N sends. */
  buttons: string[];
}

interface CardAction {
  title?: string;
  value?: unknown;
  data?: unknown;
}

function adaptiveText(card: Record<string, unknown>): string[] {
  if (typeof card.fallbackText === 'string' && card.fallbackText) return [card.fallbackText];
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'TextBlock' && typeof n.text === 'string') out.push(n.text);
    if (n.type === 'Fact' || (typeof n.title === 'string' && typeof n.value === 'string' && !n.type)) out.push(`${String(n.title)}: ${String(n.value)}`);
    for (const v of Object.values(n)) if (Array.isArray(v)) v.forEach(walk);
  };
  walk(card);
  return out;
}

export function renderPlain(activity: PlainActivity): Rendered | undefined {
  if (activity.type && activity.type !== 'message') return undefined;
  const lines: string[] = [];
  const buttons: { title: string; value: string }[] = [];
  if (activity.text) lines.push(activity.text);
  for (const a of activity.attachments ?? []) {
    const content = (a.content ?? {}) as Record<string, unknown>;
    if (a.contentType === 'application/vnd.microsoft.card.adaptive') {
      lines.push(...adaptiveText(content));
      for (const act of (content.actions as CardAction[] | undefined) ?? []) {
        const data = act.data as { msteams?: { value?: unknown }; value?: unknown } | string | undefined;
        const value = typeof data === 'string' ? data : String(data?.value ?? act.title ?? '');
        if (act.title) buttons.push({ title: act.title, value });
      }
    } else if (a.contentType?.startsWith('application/vnd.microsoft.card.')) {
      const parts = ['title', 'subtitle', 'text'].flatMap((k) => (typeof content[k] === 'string' && content[k] ? [String(content[k])] : []));
      const cardButtons = ((content.buttons as CardAction[] | undefined) ?? []).filter((b) => b.title);
      if (cardButtons.length === 1 && parts.length) {
        // The card is the choice: "[n] Ozas paštomatas — Ozo g. 18, Vilnius — 24/7".
        buttons.push({ title: parts.join(' — ').replace(/\n/g, ' — '), value: String(cardButtons[0].value ?? cardButtons[0].title) });
        continue;
      }
      lines.push(...parts);
      for (const b of cardButtons) buttons.push({ title: String(b.title), value: String(b.value ?? b.title) });
    }
  }
  for (const s of activity.suggestedActions?.actions ?? []) {
    const value = String(s.value ?? s.title);
    if (s.title && !buttons.some((b) => b.value === value)) buttons.push({ title: s.title, value });
  }
  if (!lines.length && !buttons.length) return undefined;
  if (buttons.length) lines.push(buttons.map((b, i) => `  [${i + 1}] ${b.title}`).join('\n'));
  return { text: lines.join('\n'), buttons: buttons.map((b) => b.value) };
}
