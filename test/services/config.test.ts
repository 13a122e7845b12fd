import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../services/config';

const LUIS_APP = '0d6a7e2e-1b2c-4d5e-8f90-123456789abc';

describe('config', () => {
  test('an empty environment gives the embedded defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.carrier.url).toBeUndefined();
    expect(c.nlu.recognizer).toBe('embedded');
    expect(c.business).toMatchObject({ timeZone: 'Europe/Vilnius', days: [1, 2, 3, 4, 5], openMinute: 480, closeMinute: 1140, holidays: 'LT' });
    expect(c.channels.messenger).toBeUndefined();
  });

  test('sections transform into their typed shape', () => {
    const c = loadConfig({
      BUSINESS_HOURS: '2-6 09:30-17:15',
      DIRECTLINE_ALLOWED_ORIGINS: ' https://a.example , https://b.example ',
      MESSENGER_PAGE_ACCESS_TOKEN: 'p',
      MESSENGER_APP_SECRET: 's',
      MESSENGER_VERIFY_TOKEN: 'v',
      RECOGNIZER: 'luis',
      LUIS_ENDPOINT: 'https://luis.example',
      LUIS_APP_ID: LUIS_APP,
      LUIS_KEY: 'k',
    });
    expect(c.business).toMatchObject({ days: [2, 3, 4, 5, 6], openMinute: 570, closeMinute: 1035 });
    expect(c.channels.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.channels.messenger).toEqual({ pageAccessToken: 'p', appSecret: 's', verifyToken: 'v', graphApiUrl: 'https://graph.facebook.com/v21.0', timeoutMs: 10000 });
    expect(c.nlu.luis).toEqual({ endpoint: 'https://luis.example', appId: LUIS_APP, key: 'k', slot: 'production' });
  });

  test.each([
    [{ PORT: 'abc' }, /^ {2}PORT: /m],
    [{ CARRIER_API_URL: 'not a url' }, /^ {2}CARRIER_API_URL: /m],
    [{ RECOGNIZER: 'clu' }, /^ {2}CLU_ENDPOINT: /m],
    [{ BUSINESS_HOURS: '1-5 19:00-08:00' }, /^ {2}BUSINESS_HOURS: opening must be before closing/m],
    [{ BUSINESS_HOURS: '5-1 08:00-19:00' }, /^ {2}BUSINESS_HOURS: first day/m],
    [{ BUSINESS_TIMEZONE: 'Mars/Olympus' }, /^ {2}BUSINESS_TIMEZONE: /m],
    [{ MESSENGER_APP_SECRET: 'x' }, /MESSENGER_PAGE_ACCESS_TOKEN/],
    [{ MicrosoftAppId: 'id', MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: 'p' }, /^ {2}DIRECTLINE_SECRET: /m],
    [{ MicrosoftAppId: 'id', MicrosoftAppType: 'MultiTenant', DIRECTLINE_SECRET: 's' }, /^ {2}MicrosoftAppPassword: /m],
    [{ MicrosoftAppId: 'id', MicrosoftAppPassword: 'p', DIRECTLINE_SECRET: 's' }, /^ {2}MicrosoftAppType: /m],
    [{ MicrosoftAppType: 'SingleTenant' }, /^ {2}MicrosoftAppTenantId: /m],
    [{ LUIS_COMPAT_APP_IDS: 'not-a-uuid', LUIS_COMPAT_KEYS: 'k' }, /^ {2}LUIS_COMPAT_APP_IDS: "not-a-uuid"/m],
  ])('%j is rejected naming the variable', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });

  test('several problems are reported together, one line each', () => {
    expect(() => loadConfig({ PORT: 'x', CARRIER_RETRIES: '99', LOG_LEVEL: 'loud' })).toThrow(/PORT: [^\n]+\n {2}LOG_LEVEL: [^\n]+\n {2}CARRIER_RETRIES: /);
  });
});

describe('CONFIG_VARIABLES', () => {
  test('documents exactly the variables the schema reads, each once, with a description', () => {
    const read = new Set<string>();
    const spy = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get(_target, key) {
          if (typeof key === 'string') read.add(key);
          return undefined;
        },
        has: () => false,
        ownKeys: () => [],
      },
    );
    loadConfig(spy);
    const documented = CONFIG_VARIABLES.map((v) => v.name);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...read].sort()).toEqual([...documented].sort());
    for (const v of CONFIG_VARIABLES) {
      expect(v.description.length).toBeGreaterThan(5);
      expect(['required', 'optional', 'unused']).toContain(v.azure);
    }
  });

  test('secrets are marked, and no secret has a usable default', () => {
    const secrets = CONFIG_VARIABLES.filter((v) => v.secret).map((v) => v.name);
    expect(secrets).toEqual(expect.arrayContaining(['MicrosoftAppPassword', 'DIRECTLINE_SECRET', 'REDIS_URL', 'METRICS_TOKEN', 'CARRIER_API_KEY', 'AGENTS', 'LUIS_COMPAT_KEYS']));
    for (const v of CONFIG_VARIABLES.filter((x) => x.secret)) expect([undefined, 'random', 'demo agents']).toContain(v.default);
  });

  test('defaults shown to operators are what the schema applies', () => {
    const byName = Object.fromEntries(CONFIG_VARIABLES.map((v) => [v.name, v]));
    const c = loadConfig({});
    expect(byName.PORT.default).toBe(String(c.port));
    expect(byName.CARRIER_TIMEOUT_MS.default).toBe(String(c.carrier.timeoutMs));
    expect(byName.LUIS_SLOT.default).toBe('production');
    expect(byName.REDIS_CLUSTER.default).toBe('false');
    expect(byName.BUSINESS_HOURS.default).toBe('1-5 08:00-19:00');
    expect(loadConfig({ BUSINESS_HOURS: byName.BUSINESS_HOURS.default }).business).toEqual(c.business);
  });

  test('an Azure deployment is described: identity, Direct Line secret, Redis, carrier and public URL are required', () => {
    const required = CONFIG_VARIABLES.filter((v) => v.azure === 'required').map((v) => v.name);
    expect(required).toEqual(
      expect.arrayContaining(['MicrosoftAppId', 'MicrosoftAppType', 'DIRECTLINE_SECRET', 'REDIS_URL', 'CARRIER_API_URL', 'PUBLIC_URL', 'METRICS_TOKEN']),
    );
  });
});
