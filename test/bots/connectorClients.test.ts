/**
 * The connector and user-token clients are made once and reused across turns (issue 13): the
 * same client for the same service URL, a new one for another, at most `max` kept, a failed
 * creation not kept. Authentication itself stays the SDK's.
 */
import type { Activity } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { CachingBotFrameworkAuthentication } from '../../bots/connectorClients';

const anonymous = () => new ClaimsIdentity([], 'anonymous');
const activity = (serviceUrl: string): Activity =>
  ({ type: 'message', channelId: 'webchat', serviceUrl, conversation: { id: 'c1' }, from: { id: 'u1' }, recipient: { id: 'b1' } }) as unknown as Activity;

describe('CachingBotFrameworkAuthentication', () => {
  it('hands out one ConnectorClient per service URL, across factories and requests', async () => {
    const auth = new CachingBotFrameworkAuthentication({});
    const a1 = await auth.createConnectorFactory(anonymous()).create('http://127.0.0.1:1/a');
    const a2 = await auth.createConnectorFactory(anonymous()).create('http://127.0.0.1:1/a');
    const b = await auth.createConnectorFactory(anonymous()).create('http://127.0.0.1:1/b');
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    // The request path (anonymous: no Authorization header) uses the same cache.
    const result = await auth.authenticateRequest(activity('http://127.0.0.1:1/a'), '');
    expect(await result.connectorFactory!.create('http://127.0.0.1:1/a')).toBe(a1);
    expect(auth.cachedConnectorClients).toBe(2);
  });

  it('keeps at most `max` clients, dropping the least recently used', async () => {
    const auth = new CachingBotFrameworkAuthentication({}, { max: 3 });
    const factory = auth.createConnectorFactory(anonymous());
    const first = await factory.create('http://127.0.0.1:1/0');
    for (let i = 1; i < 3; i++) await factory.create(`http://127.0.0.1:1/${i}`);
    expect(await factory.create('http://127.0.0.1:1/0')).toBe(first); // used again: now the newest
    for (let i = 3; i < 50; i++) await factory.create(`http://127.0.0.1:1/${i}`);
    expect(auth.cachedConnectorClients).toBe(3);
    expect(await factory.create('http://127.0.0.1:1/0')).not.toBe(first);
  });

  it('keys the clients by the app id the SDK gives them credentials for (the audience), not by the caller', async () => {
    const auth = new CachingBotFrameworkAuthentication({});
    // One caller (the same appid claim) addressing two bots: two audiences, two clients.
    const to = (aud: string) => new ClaimsIdentity([{ type: 'aud', value: aud }, { type: 'appid', value: 'caller' }], true);
    const one = await auth.createConnectorFactory(to('bot-one')).create('http://127.0.0.1:1/a');
    const two = await auth.createConnectorFactory(to('bot-two')).create('http://127.0.0.1:1/a');
    expect(two).not.toBe(one);
    expect(await auth.createConnectorFactory(to('bot-one')).create('http://127.0.0.1:1/a')).toBe(one);
    expect(await auth.createUserTokenClient(to('bot-two'))).not.toBe(await auth.createUserTokenClient(to('bot-one')));
  });

  it('makes one user-token client per app id', async () => {
    const auth = new CachingBotFrameworkAuthentication({});
    expect(await auth.createUserTokenClient(anonymous())).toBe(await auth.createUserTokenClient(anonymous()));
  });

  it('still refuses what the SDK refuses: a channel request without a token when an app id is set', async () => {
    const auth = new CachingBotFrameworkAuthentication({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'x' });
    await expect(auth.authenticateRequest(activity('https://smba.trafficmanager.net/emea/'), '')).rejects.toThrow();
  });
});
