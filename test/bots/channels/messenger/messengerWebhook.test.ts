/**
 * Direct Messenger mode end to end on loopback: a real restify server with the webhook and a small
 * dialog bot, and a local HTTP stand-in for the Graph Send API that records every call.
 */
import restify from 'restify';
import { AddressInfo } from 'net';
import {
  Activity,
  ActivityTypes,
  ConversationReference,
  ConversationState,
  MemoryStorage,
  MessageFactory,
  TurnContext,
} from 'botbuilder';
import { ChoicePrompt, DialogSet, DialogTurnStatus, ListStyle, WaterfallDialog } from 'botbuilder-dialogs';
import { MessengerAdapter } from '../../../../bots/channels/messenger/MessengerAdapter';
import { registerMessengerWebhook } from '../../../../bots/channels/messenger/messengerWebhook';
import { markHumanAgent } from '../../../../bots/channels/messenger/facebookRendering';
import { MESSENGER_DIRECT_SERVICE_URL } from '../../../../bots/channels/messenger/messengerEvents';
import { RedisSeenEventStore, type SeenEventStore } from '../../../../bots/channels/messenger/seenEvents';
import { useRedis } from '../../../setup/redis';
import {
  APP_SECRET,
  events,
  GraphStandIn,
  PAGE_ID,
  PAGE_TOKEN,
  postSigned,
  PSID,
  request,
  sign,
  startGraphStandIn,
  VERIFY_TOKEN,
  webhook,
} from './helpers';

const LONG_CHOICE = 'Pakeisti paštomatą kitame mieste';

interface Harness {
  server: restify.Server;
  url: string;
  adapter: MessengerAdapter;
  turns: Partial<Activity>[];
  errors: Error[];
}

async function startBot(graph: GraphStandIn, options: { globalBodyParser?: boolean; seenEvents?: SeenEventStore } = {}): Promise<Harness> {
  const adapter = new MessengerAdapter({
    seenEvents: options.seenEvents,
    pageAccessToken: PAGE_TOKEN,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    graphApiUrl: graph.url,
    timeoutMs: 2000,
  });
  const errors: Error[] = [];
  adapter.onTurnError = async (_ctx, err) => {
    errors.push(err);
  };
  const convState = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(convState.createProperty('dialogState'));
  dialogs.add(new ChoicePrompt('choice'));
  dialogs.add(
    new WaterfallDialog('main', [
      async (step) =>
        step.prompt('choice', {
          prompt: 'What do you need?',
          style: ListStyle.suggestedAction,
          choices: [
            { value: 'readdress', action: { type: 'imBack', title: LONG_CHOICE, value: 'readdress' } },
            { value: 'phone' },
            { value: 'lost' },
          ],
        }),
      async (step) => {
        const picked = (step.result as { value: string }).value;
        await step.context.sendActivity(`picked: ${picked}`);
        return step.endDialog();
      },
    ]),
  );
  const turns: Partial<Activity>[] = [];
  const logic = async (ctx: TurnContext): Promise<void> => {
    turns.push({ ...ctx.activity });
    const dc = await dialogs.createContext(ctx);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      const text = ctx.activity.text ?? '';
      const att = ctx.activity.attachments?.[0];
      if (att) await ctx.sendActivity(`got ${att.contentType} ${att.contentUrl}`);
      else if (text === 'menu') await dc.beginDialog('main');
      else await ctx.sendActivities([{ type: ActivityTypes.Typing }, MessageFactory.text(`echo: ${text}`)]);
    }
    await convState.saveChanges(ctx);
  };

  const server = restify.createServer();
  if (options.globalBodyParser) server.use(restify.plugins.bodyParser());
  registerMessengerWebhook(server, adapter, logic);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/api/messenger`, adapter, turns, errors };
}

async function stopBot(h: Harness): Promise<void> {
  await h.adapter.idle();
  await new Promise<void>((resolve) => h.server.close(() => resolve()));
}

describe('Messenger webhook (direct mode)', () => {
  let graph: GraphStandIn;
  let bot: Harness;

  beforeAll(async () => {
    graph = await startGraphStandIn();
    bot = await startBot(graph);
  });
  afterAll(async () => {
    await stopBot(bot);
    await graph.close();
  });
  beforeEach(() => {
    graph.calls.length = 0;
    bot.turns.length = 0;
    bot.errors.length = 0;
    graph.failFor.clear();
  });

  async function post(body: unknown): Promise<number> {
    const res = await postSigned(bot.url, JSON.stringify(body));
    await bot.adapter.idle();
    return res.status;
  }

  describe('GET verification', () => {
    it('echoes hub.challenge as text/plain for the right verify token', async () => {
      const res = await request(`${bot.url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe('1158201444');
    });

    it.each([
      ['wrong token', `hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`],
      ['wrong mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
      ['no parameters', ''],
    ])('answers 403 for %s', async (_name, query) => {
      const res = await request(`${bot.url}?${query}`);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('1');
    });
  });

  describe('signed events run the bot and reach the Send API', () => {
    it('text message -> typing_on + echo, shaped like the Azure facebook channel', async () => {
      expect(await post(webhook(events.text('m_text_1', 'labas')))).toBe(200);
      expect(bot.errors).toEqual([]);
      expect(bot.turns).toHaveLength(1);
      const a = bot.turns[0];
      expect(a).toMatchObject({
        type: 'message',
        id: 'm_text_1',
        channelId: 'facebook',
        text: 'labas',
        from: { id: PSID },
        recipient: { id: PAGE_ID },
        conversation: { id: `${PSID}-${PAGE_ID}`, isGroup: false },
        serviceUrl: MESSENGER_DIRECT_SERVICE_URL,
      });
      expect(a.locale).toBeUndefined();
      expect(a.channelData).toMatchObject({ sender: { id: PSID }, message: { mid: 'm_text_1', text: 'labas' } });

      expect(graph.calls).toHaveLength(2);
      for (const c of graph.calls) {
        expect(c.path).toBe('/v21.0/me/messages');
        expect(c.query.get('access_token')).toBe(PAGE_TOKEN);
      }
      expect(graph.calls[0].body).toEqual({ recipient: { id: PSID }, sender_action: 'typing_on' });
      expect(graph.calls[1].body).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'echo: labas' } });
    });

    it('a choice prompt becomes quick replies, and the tapped quick reply answers it by payload', async () => {
      expect(await post(webhook(events.text('m_menu_1', 'menu')))).toBe(200);
      expect(graph.calls).toHaveLength(1);
      const prompt = graph.calls[0].body as { message: { text: string; quick_replies: { title: string; payload: string }[] } };
      expect(prompt.message.text).toBe('What do you need?');
      expect(prompt.message.quick_replies).toEqual([
        { content_type: 'text', title: 'Pakeisti paštomatą…', payload: 'readdress' },
        { content_type: 'text', title: 'phone', payload: 'phone' },
        { content_type: 'text', title: 'lost', payload: 'lost' },
      ]);
      expect(Array.from(prompt.message.quick_replies[0].title).length).toBeLessThanOrEqual(20);

      graph.calls.length = 0;
      expect(await post(webhook(events.quickReply('m_qr_1', 'Pakeisti paštomatą…', 'readdress')))).toBe(200);
      expect(bot.turns[1].text).toBe('readdress');
      expect(bot.turns[1].channelData).toMatchObject({ message: { quick_reply: { payload: 'readdress' } } });
      expect(graph.calls.map((c) => c.body.message)).toEqual([{ text: 'picked: readdress' }]);
    });

    it('postback -> message whose text is the payload', async () => {
      expect(await post(webhook(events.postback('m_pb_1', 'Get Started', 'GET_STARTED')))).toBe(200);
      expect(bot.turns).toHaveLength(1);
      expect(bot.turns[0]).toMatchObject({ type: 'message', text: 'GET_STARTED', id: 'm_pb_1' });
      expect(graph.calls[1].body).toMatchObject({ message: { text: 'echo: GET_STARTED' } });
    });

    it('image attachment -> activity attachment with content type and URL', async () => {
      const url = 'https://scontent.xx.fbcdn.net/v/t1.15752-9/412345_n.jpg?_nc_cat=104&oh=00_AfB';
      expect(await post(webhook(events.image('m_img_1', url)))).toBe(200);
      expect(bot.turns[0].attachments).toEqual([{ contentType: 'image/jpeg', contentUrl: url }]);
      expect(bot.turns[0].text).toBeUndefined();
      expect(graph.calls[0].body).toMatchObject({ message: { text: `got image/jpeg ${url}` } });
    });

    it('echoes, delivery and read receipts are ignored; a batch keeps message order', async () => {
      const body = webhook(
        events.echo('m_echo_1', 'our own reply'),
        events.delivery(['m_echo_1']),
        events.read(),
        events.text('m_batch_1', 'first'),
        events.text('m_batch_2', 'second'),
      );
      expect(await post(body)).toBe(200);
      expect(bot.turns.map((t) => t.text)).toEqual(['first', 'second']);
      expect(graph.calls.filter((c) => c.body.message).map((c) => c.body.message)).toEqual([
        { text: 'echo: first' },
        { text: 'echo: second' },
      ]);
    });

    it('only echo/delivery/read -> 200 and no turn at all', async () => {
      expect(await post(webhook(events.echo('m_echo_2', 'x'), events.delivery(['m_echo_2']), events.read()))).toBe(200);
      expect(bot.turns).toEqual([]);
      expect(graph.calls).toEqual([]);
    });

    it('a replayed event (same mid) is processed once', async () => {
      const body = JSON.stringify(webhook(events.text('m_replay_1', 'once')));
      const first = await postSigned(bot.url, body);
      const second = await postSigned(bot.url, body);
      await bot.adapter.idle();
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(bot.turns.map((t) => t.id)).toEqual(['m_replay_1']);
      expect(graph.calls.filter((c) => c.body.message)).toHaveLength(1);
    });
  });

  describe('rejected calls have no effect', () => {
    const body = () => JSON.stringify(webhook(events.text(`m_rej_${Math.random()}`, 'should not run')));

    async function expectNoEffect(res: { status: number }, status: number): Promise<void> {
      await bot.adapter.idle();
      expect(res.status).toBe(status);
      expect(bot.turns).toEqual([]);
      expect(graph.calls).toEqual([]);
    }

    it('unsigned -> 401', async () => {
      const res = await request(bot.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body() });
      await expectNoEffect(res, 401);
    });

    it('legacy sha1-only X-Hub-Signature -> 401', async () => {
      const b = body();
      const { createHmac } = await import('crypto');
      const sha1 = 'sha1=' + createHmac('sha1', APP_SECRET).update(b).digest('hex');
      const res = await request(bot.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature': sha1 }, body: b });
      await expectNoEffect(res, 401);
    });

    it('signed with another secret -> 403', async () => {
      const b = body();
      const res = await postSigned(bot.url, b, { 'X-Hub-Signature-256': sign(b, 'not-the-secret') });
      await expectNoEffect(res, 403);
    });

    it('garbage signature -> 403', async () => {
      const res = await postSigned(bot.url, body(), { 'X-Hub-Signature-256': 'sha256=zz' });
      await expectNoEffect(res, 403);
    });

    it('tampered body (signature of the original) -> 403', async () => {
      const original = body();
      const tampered = original.replace('should not run', 'transfer parcel!');
      const res = await postSigned(bot.url, tampered, { 'X-Hub-Signature-256': sign(original) });
      await expectNoEffect(res, 403);
    });

    it('malformed JSON with a valid signature -> 400', async () => {
      const res = await postSigned(bot.url, '{"object":"page","entry":[');
      await expectNoEffect(res, 400);
    });

    it('valid JSON that is not a webhook body -> 400', async () => {
      const res = await postSigned(bot.url, JSON.stringify({ object: 'page', entry: 'nope' }));
      await expectNoEffect(res, 400);
    });

    it('object other than page -> 404', async () => {
      const b = JSON.stringify({ ...webhook(events.text('m_ig_1', 'x')), object: 'instagram' });
      const res = await postSigned(bot.url, b);
      await expectNoEffect(res, 404);
    });

    it('body over 1 MB -> 413, even when correctly signed', async () => {
      const big = JSON.stringify({ ...webhook(events.text('m_big_1', 'x')), padding: 'a'.repeat(1024 * 1024 + 10) });
      const res = await postSigned(bot.url, big);
      await expectNoEffect(res, 413);
    });

    it('body over 1 MB announced by Content-Length -> 413 before reading it', async () => {
      const big = JSON.stringify({ ...webhook(events.text('m_big_2', 'x')), padding: 'b'.repeat(1024 * 1024 + 10) });
      const res = await postSigned(bot.url, big, { 'Content-Length': String(Buffer.byteLength(big)) });
      await expectNoEffect(res, 413);
    });

    it('a body just under 1 MB is accepted', async () => {
      const b = JSON.stringify({ ...webhook(events.text('m_near_1', 'near')), padding: 'a'.repeat(1000 * 1000) });
      const res = await postSigned(bot.url, b);
      await bot.adapter.idle();
      expect(res.status).toBe(200);
      expect(bot.turns.map((t) => t.text)).toEqual(['near']);
    });
  });

  describe('sending outside a webhook turn', () => {
    const reference: Partial<ConversationReference> = {
      channelId: 'facebook',
      serviceUrl: MESSENGER_DIRECT_SERVICE_URL,
      user: { id: PSID, name: '' },
      bot: { id: PAGE_ID, name: '' },
      conversation: { id: `${PSID}-${PAGE_ID}`, isGroup: false, name: '', conversationType: 'personal' },
    };

    it('continueConversation: agent replies go as MESSAGE_TAG/HUMAN_AGENT, bot messages as RESPONSE', async () => {
      let ids: (string | undefined)[] = [];
      await bot.adapter.continueConversation(reference, async (ctx) => {
        const r1 = await ctx.sendActivity(markHumanAgent(MessageFactory.text('Sveiki, čia Ona iš klientų aptarnavimo.')));
        const r2 = await ctx.sendActivity('Automatinis pranešimas.');
        ids = [r1?.id, r2?.id];
      });
      expect(graph.calls.map((c) => c.body)).toEqual([
        { recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'Sveiki, čia Ona iš klientų aptarnavimo.' } },
        { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Automatinis pranešimas.' } },
      ]);
      expect(ids.every((id) => typeof id === 'string' && id.startsWith('m_out_'))).toBe(true);
    });

    it('continueConversationAsync (CloudAdapter signature) works too', async () => {
      await bot.adapter.continueConversationAsync('app-id', reference, async (ctx) => {
        await ctx.sendActivity('proactive');
      });
      expect(graph.calls.map((c) => c.body.message)).toEqual([{ text: 'proactive' }]);
      expect(bot.adapter.ownsReference(reference)).toBe(true);
      expect(bot.adapter.ownsReference({ ...reference, serviceUrl: 'https://facebook.botframework.com' })).toBe(false);
    });

    it('a Graph error becomes an Error with context and without the token (to onTurnError)', async () => {
      graph.failFor.add('9999');
      const ref = { ...reference, user: { id: '9999', name: '' } };
      await bot.adapter.continueConversation(ref, async (ctx) => {
        await ctx.sendActivity('hello');
      });
      expect(bot.errors).toHaveLength(1);
      const message = bot.errors[0].message;
      expect(message).toMatch(/^MessengerAdapter\.sendActivities\(\): Graph API 400 \(#100\/2018001\) \(#100\) No matching user found/);
      expect(message).toContain('fbtrace_id AbCdEf');
      expect(message).not.toContain(PAGE_TOKEN);
      expect(JSON.stringify(bot.errors[0])).not.toContain(PAGE_TOKEN);
      expect(bot.errors[0].stack ?? '').not.toContain(PAGE_TOKEN);
    });

    it('an unreachable Graph API fails within the timeout, without the token in the message', async () => {
      const adapter = new MessengerAdapter({
        pageAccessToken: PAGE_TOKEN,
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        graphApiUrl: 'http://127.0.0.1:1/v21.0',
        timeoutMs: 1000,
      });
      const started = Date.now();
      await expect(adapter.continueConversation(reference, async (ctx) => void (await ctx.sendActivity('x')))).rejects.toThrow(
        /^MessengerAdapter\.sendActivities\(\): Graph API request failed/,
      );
      expect(Date.now() - started).toBeLessThan(3000);
      await adapter
        .continueConversation(reference, async (ctx) => void (await ctx.sendActivity('x')))
        .catch((err: Error) => expect(err.message).not.toContain(PAGE_TOKEN));
    });
  });
});

describe('Messenger webhook behind a global restify bodyParser (fallback)', () => {
  let graph: GraphStandIn;
  let bot: Harness;

  beforeAll(async () => {
    graph = await startGraphStandIn();
    bot = await startBot(graph, { globalBodyParser: true });
  });
  afterAll(async () => {
    await stopBot(bot);
    await graph.close();
  });

  it('still verifies the signature on the raw body: valid runs, tampered does not', async () => {
    const good = JSON.stringify(webhook(events.text('m_gbp_1', 'labas ąčę')));
    expect((await postSigned(bot.url, good)).status).toBe(200);
    const tampered = good.replace('labas', 'sveiki');
    expect((await postSigned(bot.url, tampered, { 'X-Hub-Signature-256': sign(good) })).status).toBe(403);
    await bot.adapter.idle();
    expect(bot.turns.map((t) => t.text)).toEqual(['labas ąčę']);
    expect(graph.calls.filter((c) => c.body.message).map((c) => c.body.message)).toEqual([{ text: 'echo: labas ąčę' }]);
  });
});

describe('replay protection shared in Redis (two instances behind one webhook URL)', () => {
  const env = useRedis('redis');
  let graph: GraphStandIn;
  beforeAll(async () => {
    graph = await startGraphStandIn();
  });
  afterAll(async () => graph.close());

  test('a signed body replayed to the other instance (or after a restart) runs no second turn', async () => {
    const store = () => new RedisSeenEventStore(env.client, 60_000, `${env.prefix}messenger:seen:`);
    const a = await startBot(graph, { seenEvents: store() });
    const b = await startBot(graph, { seenEvents: store() });
    try {
      const body = JSON.stringify(webhook(events.text('m_shared_replay_1', 'once only')));
      expect((await postSigned(a.url, body)).status).toBe(200);
      await a.adapter.idle();
      expect((await postSigned(b.url, body)).status).toBe(200);
      await b.adapter.idle();
      expect(a.turns.map((t) => t.id)).toEqual(['m_shared_replay_1']);
      expect(b.turns).toEqual([]);
      expect(graph.calls.filter((c) => c.body.message)).toHaveLength(1);
      const keys = await env.client.keys(`${env.prefix}messenger:seen:*`);
      expect(keys).toHaveLength(1);
      expect(await env.client.pttl(keys[0])).toBeGreaterThan(0); // remembered for a while, not forever
    } finally {
      await stopBot(a);
      await stopBot(b);
    }
  });
});
