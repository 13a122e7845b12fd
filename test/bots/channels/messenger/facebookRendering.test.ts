/** Messenger rendering rules, as pure functions and as middleware for Azure's facebook channel. */
import { Activity, ActivityTypes, Attachment, CardAction, CardFactory, MessageFactory, TestAdapter, TurnContext } from 'botbuilder';
import {
  ADAPTIVE_CARD,
  FB_TEXT_MAX,
  isHumanAgentActivity,
  markHumanAgent,
  messagingTypeFor,
  planFacebookMessages,
  splitText,
  toQuickReplies,
  truncate,
} from '../../../../bots/channels/messenger/facebookRendering';
import {
  FacebookRenderingMiddleware,
  facebookChannelData,
  renderForFacebookChannel,
} from '../../../../bots/channels/messenger/FacebookRenderingMiddleware';
import { MESSENGER_DIRECT_SERVICE_URL } from '../../../../bots/channels/messenger/messengerEvents';

function actions(n: number): CardAction[] {
  return Array.from({ length: n }, (_, i) => ({ type: 'imBack', title: `Option ${i + 1}`, value: `value-${i + 1}` }));
}

/** ~5,000 characters of Lithuanian-ish sentences of varying length. */
function longText(): string {
  const sentences: string[] = [];
  let i = 0;
  while (sentences.join(' ').length < 5000) {
    i += 1;
    sentences.push(`Siunta nr. ${i} keliauja į paštomatą ${'labai '.repeat(i % 7)}greitai${i % 3 === 0 ? '!' : '.'}`);
  }
  return sentences.join(' ');
}

describe('quick replies', () => {
  it('15 suggested actions -> 13 quick replies, payloads are the values', () => {
    const qr = toQuickReplies(actions(15));
    expect(qr).toHaveLength(13);
    expect(qr[0]).toEqual({ content_type: 'text', title: 'Option 1', payload: 'value-1' });
    expect(qr[12].payload).toBe('value-13');
  });

  it('titles are cut at 20 characters with an ellipsis; the payload keeps the full value', () => {
    const title = 'Pakeisti paštomatą kitame mieste';
    const [qr] = toQuickReplies([{ type: 'imBack', title, value: title }]);
    expect(qr.title).toBe('Pakeisti paštomatą…');
    expect(Array.from(qr.title).length).toBeLessThanOrEqual(20);
    expect(qr.payload).toBe(title);
    expect(truncate('Exactly twenty chars', 20)).toBe('Exactly twenty chars');
    expect(truncate('Exactly twenty chars!', 20)).toBe('Exactly twenty char…');
  });

  it('an action without a value uses its full title as payload; openUrl is not a quick reply', () => {
    const qr = toQuickReplies([
      { type: 'imBack', title: 'Rasti siuntos numerį pagal telefoną', value: undefined },
      { type: 'openUrl', title: 'Website', value: 'https://example.com' },
      { type: 'postBack', title: 'Object', value: { intent: 'lost' } },
    ]);
    expect(qr).toEqual([
      { content_type: 'text', title: 'Rasti siuntos numer…', payload: 'Rasti siuntos numerį pagal telefoną' },
      { content_type: 'text', title: 'Object', payload: '{"intent":"lost"}' },
    ]);
  });
});

describe('splitText', () => {
  it('splits 5,000 characters at sentence boundaries into chunks of at most 2,000', () => {
    const text = longText();
    const chunks = splitText(text);
    expect(chunks.length).toBe(3);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(FB_TEXT_MAX);
      expect(c).toMatch(/[.!]$/);
    }
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThan(FB_TEXT_MAX / 2);
    expect(chunks.join(' ')).toBe(text);
  });

  it('falls back to word boundaries, then to a hard cut', () => {
    const words = Array.from({ length: 800 }, (_, i) => `žodis${i}`).join(' ');
    const chunks = splitText(words, 2000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(2000);
      expect(c).toMatch(/^žodis\d+( žodis\d+)*$/);
    }
    expect(chunks.join(' ')).toBe(words);

    expect(splitText('a'.repeat(5000)).map((c) => c.length)).toEqual([2000, 2000, 1000]);
  });

  it('never cuts inside a surrogate pair', () => {
    const text = 'x' + '📦'.repeat(1500);
    const chunks = splitText(text, 2000);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(2000);
      expect(c).not.toMatch(/[\ud800-\udbff]$/);
      expect(c).not.toMatch(/^[\udc00-\udfff]/);
    }
    expect(chunks.join('')).toBe(text);
  });

  it('short text is one chunk; empty text is none', () => {
    expect(splitText('Labas.')).toEqual(['Labas.']);
    expect(splitText('   ')).toEqual([]);
  });
});

describe('planFacebookMessages', () => {
  it('long text with suggested actions: several messages, quick replies only on the last', () => {
    const activity = MessageFactory.suggestedActions(actions(15), longText());
    const parts = planFacebookMessages(activity, { heroCards: 'template' });
    expect(parts.map((p) => p.kind)).toEqual(['text', 'text', 'text']);
    expect(parts[0].quickReplies).toBeUndefined();
    expect(parts[1].quickReplies).toBeUndefined();
    expect(parts[2].quickReplies).toHaveLength(13);
  });

  it('image by URL becomes a media part after the text', () => {
    const img: Attachment = { contentType: 'image/png', contentUrl: 'https://cdn.example.com/locker-map.png' };
    const parts = planFacebookMessages(MessageFactory.attachment(img, 'Žemėlapis'), { heroCards: 'template' });
    expect(parts).toEqual([
      { kind: 'text', text: 'Žemėlapis' },
      { kind: 'media', mediaType: 'image', url: 'https://cdn.example.com/locker-map.png', source: img },
    ]);
  });

  it('hero card: generic template in direct mode, text + quick replies for the Azure channel', () => {
    const card = CardFactory.heroCard(
      'Paštomatas Akropolis',
      'Ozo g. 25, Vilnius',
      ['https://cdn.example.com/akropolis.jpg'],
      [
        { type: 'imBack', title: 'Pasirinkti', value: 'LT-VNO-001' },
        { type: 'openUrl', title: 'Žemėlapis', value: 'https://maps.example.com/LT-VNO-001' },
      ],
    );
    const [template] = planFacebookMessages(MessageFactory.attachment(card), { heroCards: 'template' });
    expect(template).toMatchObject({
      kind: 'template',
      template: {
        template_type: 'generic',
        elements: [
          {
            title: 'Paštomatas Akropolis',
            subtitle: 'Ozo g. 25, Vilnius',
            image_url: 'https://cdn.example.com/akropolis.jpg',
            buttons: [
              { type: 'postback', title: 'Pasirinkti', payload: 'LT-VNO-001' },
              { type: 'web_url', title: 'Žemėlapis', url: 'https://maps.example.com/LT-VNO-001' },
            ],
          },
        ],
      },
    });
    const asText = planFacebookMessages(MessageFactory.attachment(card), { heroCards: 'text' });
    expect(asText).toEqual([
      {
        kind: 'text',
        text: 'Paštomatas Akropolis\nOzo g. 25, Vilnius\nŽemėlapis: https://maps.example.com/LT-VNO-001',
        quickReplies: [{ content_type: 'text', title: 'Pasirinkti', payload: 'LT-VNO-001' }],
      },
    ]);
  });

  it('a hero card with more than 3 buttons falls back to text + quick replies even in direct mode', () => {
    const card = CardFactory.heroCard('Pick', [], actions(5));
    const parts = planFacebookMessages(MessageFactory.attachment(card), { heroCards: 'template' });
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ kind: 'text', text: 'Pick' });
    expect(parts[0].quickReplies).toHaveLength(5);
  });

  it('adaptive card -> fallbackText (or its text blocks) + Action.Submit quick replies', () => {
    const withFallback = CardFactory.adaptiveCard({
      type: 'AdaptiveCard',
      version: '1.5',
      fallbackText: 'Patvirtinkite naują paštomatą.',
      body: [{ type: 'TextBlock', text: 'ignored when fallbackText exists' }],
      actions: [
        { type: 'Action.Submit', title: 'Taip', data: 'yes' },
        { type: 'Action.Submit', title: 'Ne, rinktis kitą paštomatą', data: { choice: 'no' } },
        { type: 'Action.OpenUrl', title: 'Sąlygos', url: 'https://example.com/terms' },
      ],
    });
    expect(planFacebookMessages(MessageFactory.attachment(withFallback), { heroCards: 'template' })).toEqual([
      {
        kind: 'text',
        text: 'Patvirtinkite naują paštomatą.\nSąlygos: https://example.com/terms',
        quickReplies: [
          { content_type: 'text', title: 'Taip', payload: 'yes' },
          { content_type: 'text', title: 'Ne, rinktis kitą pa…', payload: '{"choice":"no"}' },
        ],
      },
    ]);

    const noFallback: Attachment = {
      contentType: ADAPTIVE_CARD,
      content: {
        type: 'AdaptiveCard',
        body: [
          { type: 'TextBlock', text: 'Siunta LT123' },
          { type: 'Container', items: [{ type: 'FactSet', facts: [{ title: 'Būsena', value: 'Pakeliui' }] }] },
        ],
      },
    };
    expect(planFacebookMessages(MessageFactory.attachment(noFallback), { heroCards: 'text' })).toEqual([
      { kind: 'text', text: 'Siunta LT123\nBūsena: Pakeliui' },
    ]);
  });
});

describe('HUMAN_AGENT tag', () => {
  it('only human-marked messages are tagged', () => {
    const bot = MessageFactory.text('Automatinis atsakymas');
    const agent = markHumanAgent(MessageFactory.text('Sveiki, čia Ona.'));
    expect(isHumanAgentActivity(bot)).toBe(false);
    expect(isHumanAgentActivity(agent)).toBe(true);
    expect(messagingTypeFor(bot)).toEqual({ messaging_type: 'RESPONSE' });
    expect(messagingTypeFor(agent)).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(isHumanAgentActivity({ ...bot, channelData: { humanAgent: 'yes' } })).toBe(false);
  });

  it('markHumanAgent keeps other channelData and does not mutate its input', () => {
    const original = { ...MessageFactory.text('x'), channelData: { notification_type: 'NO_PUSH' } };
    const marked = markHumanAgent(original);
    expect(marked.channelData).toEqual({ notification_type: 'NO_PUSH', humanAgent: true });
    expect(original.channelData).toEqual({ notification_type: 'NO_PUSH' });
  });

  it('Azure channelData: tag on human messages, stripped from bot messages, marker never sent', () => {
    expect(facebookChannelData(markHumanAgent(MessageFactory.text('x')))).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(facebookChannelData({ ...MessageFactory.text('x'), channelData: { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } })).toEqual({});
    expect(
      facebookChannelData({ ...MessageFactory.text('x'), channelData: { messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' } }),
    ).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' });
  });

  it('typing passes through the Azure rendering untouched', () => {
    const typing: Partial<Activity> = { type: ActivityTypes.Typing };
    expect(renderForFacebookChannel(typing)).toEqual([typing]);
  });
});

describe('FacebookRenderingMiddleware (Azure facebook channel)', () => {
  function adapterFor(logic: (ctx: TurnContext) => Promise<void>, channelId = 'facebook', serviceUrl = 'https://facebook.botframework.com') {
    const adapter = new TestAdapter(logic, { channelId, serviceUrl });
    adapter.use(new FacebookRenderingMiddleware());
    return adapter;
  }

  it('suggested actions -> channelData.quick_replies (13), long text split, tag rules applied', async () => {
    const adapter = adapterFor(async (ctx) => {
      await ctx.sendActivity(MessageFactory.suggestedActions(actions(15), longText()));
      await ctx.sendActivity({ ...MessageFactory.text('bot'), channelData: { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } });
      await ctx.sendActivity(markHumanAgent(MessageFactory.text('agent')));
    });
    await adapter.send('hi');
    const sent = adapter.activeQueue.splice(0);
    expect(sent).toHaveLength(5);
    const [c1, c2, c3, bot, agent] = sent;
    for (const c of [c1, c2, c3]) {
      expect((c.text ?? '').length).toBeLessThanOrEqual(2000);
      expect(c.suggestedActions).toBeUndefined();
    }
    expect(c1.channelData).toEqual({});
    expect(c2.channelData).toEqual({});
    expect((c3.channelData as { quick_replies: unknown[] }).quick_replies).toHaveLength(13);
    expect(bot.channelData).toEqual({});
    expect(agent.channelData).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('an inbound quick reply or postback reaches the bot with the payload as text', async () => {
    const seen: (string | undefined)[] = [];
    const adapter = adapterFor(async (ctx) => {
      seen.push(ctx.activity.text);
    });
    await adapter.send({ type: 'message', text: 'Pakeisti paštomatą…', channelData: { sender: { id: '1' }, recipient: { id: '2' }, message: { mid: 'm1', text: 'Pakeisti paštomatą…', quick_reply: { payload: 'readdress' } } } });
    await adapter.send({ type: 'message', text: 'Get Started', channelData: { sender: { id: '1' }, recipient: { id: '2' }, postback: { title: 'Get Started', payload: 'GET_STARTED' } } });
    await adapter.send({ type: 'message', text: 'plain', channelData: { sender: { id: '1' }, recipient: { id: '2' }, message: { mid: 'm2', text: 'plain' } } });
    expect(seen).toEqual(['readdress', 'GET_STARTED', 'plain']);
  });

  it('does nothing on other channels or on direct-mode turns', async () => {
    for (const [channel, url] of [
      ['msteams', 'https://smba.trafficmanager.net/'],
      ['facebook', MESSENGER_DIRECT_SERVICE_URL],
    ]) {
      const adapter = adapterFor(async (ctx) => {
        await ctx.sendActivity(MessageFactory.suggestedActions(actions(15), 'x'));
      }, channel, url);
      await adapter.send('hi');
      const [reply] = adapter.activeQueue.splice(0);
      expect(reply.suggestedActions?.actions).toHaveLength(15);
      expect(reply.channelData).toBeUndefined();
    }
  });
});
