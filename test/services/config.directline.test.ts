/** Direct Line configuration rules (issue #8 findings 9, 10, 16). */
import { loadConfig } from '../../services/config';

test('REDIS_URL requires DIRECTLINE_TOKEN_KEY, which must be long enough', () => {
  expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/DIRECTLINE_TOKEN_KEY: required with REDIS_URL/);
  expect(() => loadConfig({ DIRECTLINE_TOKEN_KEY: 'short' })).toThrow(/DIRECTLINE_TOKEN_KEY/);
  const c = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DIRECTLINE_TOKEN_KEY: 'x'.repeat(32) });
  expect(c.channels.directLineTokenKey).toBe('x'.repeat(32));
});

test('defaults: same origin only, 24 h token chains, 30 new conversations per client per 10 minutes, 300 per minute', () => {
  const c = loadConfig({});
  expect(c.channels.allowedOrigins).toEqual([]);
  expect(c.channels.directLineLimits).toEqual({ tokenMaxHours: 24, conversationsPerClientPer10Minutes: 30, conversationsPerMinute: 300 });
  const custom = loadConfig({ DIRECTLINE_ALLOWED_ORIGINS: 'https://a.example, https://b.example', DIRECTLINE_TOKEN_MAX_HOURS: '2', DIRECTLINE_CONVERSATIONS_PER_CLIENT: '5', DIRECTLINE_CONVERSATIONS_PER_MINUTE: '50' });
  expect(custom.channels.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  expect(custom.channels.directLineLimits).toEqual({ tokenMaxHours: 2, conversationsPerClientPer10Minutes: 5, conversationsPerMinute: 50 });
  expect(() => loadConfig({ DIRECTLINE_TOKEN_MAX_HOURS: '0' })).toThrow(/DIRECTLINE_TOKEN_MAX_HOURS/);
});
