/**
 * Finding 9 (issue #8): with the same DIRECTLINE_TOKEN_KEY a restarted server accepts the tokens
 * and visitor credentials it issued before; the customer keeps their conversation id (so their
 * bot state and case stay linked) and an agent's reply sent after the restart reaches them.
 */
import { DirectLineKeys } from '../../../../bots/channels/directline';
import { startHarness, waitFor } from './harness';
import { activities, auth, openSocket, post, startConversation } from './rawClient';

const KEY = 'a-key-that-survives-restarts-0123456789';

test('tokens, visitor ids and the conversation survive a restart with the same key; another key accepts none of them', async () => {
  const first = await startHarness({ keys: new DirectLineKeys(KEY) });
  const conv = await startConversation(first);
  await post(first, conv, JSON.stringify({ type: 'message', text: 'before the restart' }));
  const reference = first.bot.references.get(conv.conversationId);
  const before = (await (await fetch(`${first.domain}/conversations/${conv.conversationId}/activities`, { headers: auth(conv.token) })).json()) as { watermark: string };
  expect(Number(before.watermark)).toBeGreaterThan(0);
  await first.close();

  const second = await startHarness({ keys: new DirectLineKeys(KEY) });
  try {
    const refreshed = await fetch(`${second.origin}/api/directline/token/refresh`, { method: 'POST', headers: { Origin: second.origin, ...auth(conv.token) } });
    expect(refreshed.status).toBe(200);
    const r = (await refreshed.json()) as { conversationId: string; token: string; userId: string };
    expect(r).toMatchObject({ conversationId: conv.conversationId, userId: conv.userId });
    expect((await second.token({ visitor: conv.visitor })).userId).toBe(conv.userId);

    if (!reference) throw new Error('no reference from the first server');
    await second.adapter.continueConversationAsync('', reference, async (ctx) => {
      await ctx.sendActivity('agent reply after the restart');
    });
    // A client resuming from the watermark it held before the restart misses nothing written since.
    const resumed = (await (await fetch(`${second.domain}/conversations/${conv.conversationId}/activities?watermark=${before.watermark}`, { headers: auth(r.token) })).json()) as { activities: { text?: string }[]; watermark: string };
    expect(resumed.activities.map((a) => a.text)).toEqual(['agent reply after the restart']);
    expect(Number(resumed.watermark)).toBeGreaterThan(Number(before.watermark));
    const streamUrl = `${second.domain.replace(/^http/, 'ws')}/conversations/${conv.conversationId}/stream?t=${encodeURIComponent(r.token)}`;
    const { ws, frames } = await openSocket(streamUrl);
    expect((await post(second, { conversationId: conv.conversationId, token: r.token }, JSON.stringify({ type: 'message', text: 'after the restart' }))).status).toBe(200);
    await waitFor(() => frames.flatMap((f) => f.activities).some((a) => a.text === 'echo: after the restart'), 5000, 'echo after the restart');
    ws.close();
    expect((await activities(second, { conversationId: conv.conversationId, token: r.token })).map((a) => a.text)).toEqual([
      'agent reply after the restart',
      'after the restart',
      'echo: after the restart',
    ]);
    expect(second.bot.seen.filter((s) => s.type === 'conversationUpdate')).toEqual([]);
    expect(second.bot.seen.find((s) => s.text === 'after the restart')?.fromId).toBe(conv.userId);
  } finally {
    await second.close();
  }

  const other = await startHarness({ keys: new DirectLineKeys('some-other-key-0123456789abcdefghij') });
  try {
    expect((await fetch(`${other.domain}/tokens/refresh`, { method: 'POST', headers: auth(conv.token) })).status).toBe(403);
    expect((await other.token({ visitor: conv.visitor })).userId).not.toBe(conv.userId);
  } finally {
    await other.close();
  }
});
