/**
 * TurnOutbox: a turn's messages leave coalesced on channels that show text, cards and suggested
 * actions together, one by one elsewhere; typing only when the turn is slow; the middlewares'
 * send handlers still see every message as the dialog said it.
 */
import { ActivityTypes, CardFactory, MessageFactory, TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { coalesce, TurnOutbox } from '../../bots/TurnOutbox';

const card = () => CardFactory.heroCard('Timeline');
const withButtons = (text: string) => MessageFactory.suggestedActions(['Yes', 'No'], text);

describe('coalesce()', () => {
  test('text, its card and the closing question with buttons become one activity', () => {
    const out = coalesce([MessageFactory.text('Status'), { type: 'message', attachments: [card()] }, withButtons('Anything else?')]);
    expect(out).toHaveLength(1);
    expect(out[0].text).toBe('Status\n\nAnything else?');
    expect(out[0].attachments).toHaveLength(1);
    expect(out[0].suggestedActions?.actions.map((a) => a.title)).toEqual(['Yes', 'No']);
  });

  test('a message that offers buttons ends its group', () => {
    const out = coalesce([withButtons('Shall I?'), MessageFactory.text('Later text')]);
    expect(out.map((a) => a.text)).toEqual(['Shall I?', 'Later text']);
  });

  test('a carousel is not mixed with other cards; channel data, values and events are never merged', () => {
    const carousel = MessageFactory.carousel([card(), card()], 'Pick one');
    expect(coalesce([carousel, { type: 'message', attachments: [card()] }])).toHaveLength(2);
    expect(coalesce([MessageFactory.text('a'), { type: 'message', text: 'b', channelData: { x: 1 } }])).toHaveLength(2);
    expect(coalesce([MessageFactory.text('a'), { type: 'event', name: 'handoff.initiate' }, MessageFactory.text('b')])).toHaveLength(3);
    // text before a carousel joins it (one activity, the carousel layout kept)
    const joined = coalesce([MessageFactory.text('Found 2'), carousel]);
    expect(joined).toHaveLength(1);
    expect(joined[0].attachmentLayout).toBe('carousel');
    expect(joined[0].text).toBe('Found 2\n\nPick one');
  });
});

interface Run {
  sent: Partial<Activity>[];
  seenByMiddleware: Partial<Activity>[];
}

async function run(channelId: string, logic: (context: TurnContext) => Promise<void>, typingDelayMs = 300): Promise<Run> {
  const seenByMiddleware: Partial<Activity>[] = [];
  const adapter = new TestAdapter(async (context) => {
    const outbox = TurnOutbox.open(context, { typingDelayMs });
    try {
      await logic(context);
      await outbox.flush();
    } finally {
      outbox.close();
    }
  }, { channelId, conversation: { id: `c-${channelId}` }, serviceUrl: 'https://test.invalid' } as never);
  adapter.use(async (context, next) => {
    context.onSendActivities(async (_ctx, activities, nextSend) => {
      seenByMiddleware.push(...activities);
      return nextSend();
    });
    await next();
  });
  await adapter.send('hi');
  return { sent: [...adapter.activeQueue], seenByMiddleware };
}

const threeMessages = async (context: TurnContext) => {
  await context.sendActivity({ type: ActivityTypes.Typing });
  await context.sendActivity('Status');
  await context.sendActivity({ type: 'message', attachments: [card()] });
  await context.sendActivity(withButtons('Anything else?'));
};

describe('TurnOutbox in a turn', () => {
  test.each(['webchat', 'directline', 'emulator', 'msteams'])('on %s a fast turn sends one activity; the middleware saw the three messages', async (channel) => {
    const r = await run(channel, threeMessages);
    expect(r.sent.map((a) => a.type)).toEqual(['message']);
    expect(r.sent[0].text).toBe('Status\n\nAnything else?');
    expect(r.seenByMiddleware.filter((a) => a.type === 'message')).toHaveLength(3);
  });

  test('on facebook the messages leave one by one (its rendering splits them itself), the typing is dropped when fast', async () => {
    const r = await run('facebook', threeMessages);
    expect(r.sent.map((a) => a.type)).toEqual(['message', 'message', 'message']);
  });

  test('a slow turn shows one typing indicator before its reply; a fast one none', async () => {
    const slow = await run(
      'webchat',
      async (context) => {
        await context.sendActivity({ type: ActivityTypes.Typing });
        await new Promise((r) => setTimeout(r, 250));
        await context.sendActivity({ type: ActivityTypes.Typing }); // asked again: still one
        await new Promise((r) => setTimeout(r, 250));
        await context.sendActivity('Found it');
      },
      100,
    );
    expect(slow.sent.map((a) => a.type)).toEqual(['typing', 'message']);
    const fast = await run('webchat', async (context) => {
      await context.sendActivity({ type: ActivityTypes.Typing });
      await context.sendActivity('Found it');
    });
    expect(fast.sent.map((a) => a.type)).toEqual(['message']);
  });

  test('replies carry the conversation reference; context.responded is set', async () => {
    let responded = false;
    const r = await run('webchat', async (context) => {
      await context.sendActivity('one');
      responded = context.responded;
    });
    expect(responded).toBe(true);
    expect(r.sent[0].conversation?.id).toBe('c-webchat');
    expect(r.sent[0].replyToId).toBeDefined();
  });

  test('a send after close() goes out directly', async () => {
    const adapter = new TestAdapter(async (context) => {
      const outbox = TurnOutbox.open(context);
      outbox.close();
      await context.sendActivity('direct');
    });
    await adapter.send('hi');
    expect(adapter.activeQueue.map((a) => a.text)).toEqual(['direct']);
  });
});
