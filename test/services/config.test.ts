import { loadConfig, ConfigError } from '../../services/config';

describe('config', () => {
  test('an empty environment gives the embedded defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.carrier.url).toBeUndefined();
    expect(c.nlu.recognizer).toBe('embedded');
    expect(c.business).toMatchObject({ timeZone: 'Europe/Vilnius', days: [1, 2, 3, 4, 5], openMinute: 480, closeMinute: 1140, holidays: 'LT' });
    expect(c.channels.messenger).toBeUndefined();
  });

  test.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ CARRIER_API_URL: 'not a url' }, /CARRIER_API_URL/],
    [{ RECOGNIZER: 'clu' }, /CLU_ENDPOINT/],
    [{ BUSINESS_HOURS: '1-5 19:00-08:00' }, /BUSINESS_HOURS/],
    [{ BUSINESS_TIMEZONE: 'Mars/Olympus' }, /BUSINESS_TIMEZONE/],
    [{ MESSENGER_APP_SECRET: 'x' }, /MESSENGER_PAGE_ACCESS_TOKEN/],
    [{ MicrosoftAppId: 'id', MicrosoftAppType: 'MultiTenant' }, /DIRECTLINE_SECRET/],
  ])('%j is rejected naming the variable', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });
});
