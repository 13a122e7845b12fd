/** Messenger webhook event -> Bot Framework activity mapping (Azure facebook channel shape). */
import { contentTypeFromUrl, eventToActivity, inboundEvents, webhookBodySchema } from '../../../../bots/channels/messenger/messengerEvents';

function body(messaging: unknown[]) {
  return webhookBodySchema.parse({ object: 'page', entry: [{ id: 'PAGE', time: 1, messaging }] });
}
const who = { sender: { id: 'PSID' }, recipient: { id: 'PAGE' }, timestamp: 1700000000000 };

describe('messenger event mapping', () => {
  it('keeps messages and postbacks, drops echoes, receipts and malformed events', () => {
    const events = inboundEvents(
      body([
        { ...who, message: { mid: 'm1', text: 'a' } },
        { ...who, message: { mid: 'm2', text: 'b', is_echo: true } },
        { ...who, delivery: { mids: ['m1'], watermark: 1 } },
        { ...who, read: { watermark: 1 } },
        { ...who, reaction: { mid: 'm1', action: 'react', emoji: '👍' } },
        { recipient: { id: 'PAGE' }, message: { mid: 'm3', text: 'no sender' } },
        { ...who, postback: { title: 'Start', payload: 'GET_STARTED' } },
      ]),
    );
    expect(events.map((e) => e.dedupeKey)).toEqual(['m1', `postback:PSID:${who.timestamp}:GET_STARTED`]);
  });

  it('maps ids like the Azure channel and leaves the locale unknown', () => {
    const [ev] = inboundEvents(body([{ ...who, message: { mid: 'm1', text: 'labas' } }]));
    const a = eventToActivity(ev);
    expect(a).toMatchObject({
      type: 'message',
      id: 'm1',
      channelId: 'facebook',
      text: 'labas',
      from: { id: 'PSID', role: 'user' },
      recipient: { id: 'PAGE', role: 'bot' },
      conversation: { id: 'PSID-PAGE', isGroup: false },
    });
    expect(a.timestamp).toEqual(new Date(who.timestamp));
    expect(a.locale).toBeUndefined();
  });

  it('attachments: content type from the URL, octet-stream when unknown, location as geo', () => {
    const [ev] = inboundEvents(
      body([
        {
          ...who,
          message: {
            mid: 'm1',
            attachments: [
              { type: 'file', payload: { url: 'https://cdn.fbsbx.com/v/t59/receipt.pdf?dl=1' } },
              { type: 'video', payload: { url: 'https://video.xx.fbcdn.net/v/t42/clip.mp4?x=1' } },
              { type: 'file', payload: { url: 'https://cdn.fbsbx.com/v/t59/blob' } },
              { type: 'location', title: 'Pin', payload: { coordinates: { lat: 54.68, long: 25.28 } } },
            ],
          },
        },
      ]),
    );
    const a = eventToActivity(ev);
    expect(a.attachments?.map((x) => x.contentType)).toEqual(['application/pdf', 'video/mp4', 'application/octet-stream', 'application/geo+json']);
    expect(a.attachments?.[0].contentUrl).toBe('https://cdn.fbsbx.com/v/t59/receipt.pdf?dl=1');
    expect(a.entities).toEqual([{ type: 'Place', geo: { type: 'GeoCoordinates', latitude: 54.68, longitude: 25.28 } }]);
    expect(contentTypeFromUrl('https://x/y/photo.JPEG')).toBe('image/jpeg');
  });

  it('a JSON object payload (Adaptive Card submit data) also lands in activity.value', () => {
    const [ev] = inboundEvents(body([{ ...who, message: { mid: 'm1', text: 'Ne', quick_reply: { payload: '{"choice":"no"}' } } }]));
    const a = eventToActivity(ev);
    expect(a.text).toBe('{"choice":"no"}');
    expect(a.value).toEqual({ choice: 'no' });
  });
});
