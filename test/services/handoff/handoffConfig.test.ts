/** The hand-off section of the configuration: agents with hashed passwords, Redis, targets. */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError, loadConfig } from '../../../services/config';
import { hashPassword } from '../../../services/handoff/agentAuth';

test('defaults: memory state, demo agents, 8 h sessions, targets 1/4/8 working hours, 10 min unclaimed alert', () => {
  const c = loadConfig({});
  expect(c.redis).toBeUndefined();
  expect(c.handoff).toEqual({ agents: undefined, sessionTtlMinutes: 480, targetHours: [1, 4, 8], webhookUrl: undefined, unclaimedAlertMinutes: 10, casesPerCustomerPerHour: 3, offHoursAlertsPerHour: 10 });
});

test('AGENTS, REDIS_*, HANDOFF_TARGET_HOURS, AGENT_WEBHOOK_URL are parsed', async () => {
  const agents = [{ id: 'ona', name: 'Ona', role: 'supervisor', passwordHash: await hashPassword('labai-slaptas', { N: 1024, r: 8, p: 1 }) }];
  const c = loadConfig({
    AGENTS: JSON.stringify(agents),
    REDIS_URL: 'rediss://:secret@cache.example.test:6380',
    DIRECTLINE_TOKEN_KEY: 'k'.repeat(32),
    REDIS_CLUSTER: 'true',
    REDIS_PREFIX: 'lt:',
    HANDOFF_TARGET_HOURS: '0.5, 2, 16',
    AGENT_WEBHOOK_URL: 'https://hooks.example.test/x',
    UNCLAIMED_ALERT_MINUTES: '5',
    AGENT_SESSION_TTL_MINUTES: '60',
  });
  expect(c.handoff).toEqual({ agents, sessionTtlMinutes: 60, targetHours: [0.5, 2, 16], webhookUrl: 'https://hooks.example.test/x', unclaimedAlertMinutes: 5, casesPerCustomerPerHour: 3, offHoursAlertsPerHour: 10 });
  expect(c.redis).toEqual({ url: 'rediss://:secret@cache.example.test:6380', cluster: true, prefix: 'lt:' });
});

test('AGENTS_FILE is read; a plain-text password or a bad file is refused with a hint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-agents-'));
  const file = join(dir, 'agents.json');
  writeFileSync(file, JSON.stringify([{ id: 'jonas', name: 'Jonas', role: 'agent', passwordHash: await hashPassword('slaptazodis1', { N: 1024, r: 8, p: 1 }) }]));
  expect(loadConfig({ AGENTS_FILE: file }).handoff.agents?.[0].id).toBe('jonas');
  expect(() => loadConfig({ AGENTS: '[{"id":"a","name":"A","role":"agent","passwordHash":"hunter2"}]' })).toThrow(/AGENTS: agent "a" passwordHash.*agent:hash/);
  expect(() => loadConfig({ AGENTS_FILE: join(dir, 'missing.json') })).toThrow(/AGENTS_FILE: cannot read/);
  expect(() => loadConfig({ AGENTS: '{oops' })).toThrow(ConfigError);
  expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  expect(() => loadConfig({ REDIS_PREFIX: 'a{b}' })).toThrow(/REDIS_PREFIX/);
  expect(() => loadConfig({ HANDOFF_TARGET_HOURS: '1,4' })).toThrow(/HANDOFF_TARGET_HOURS/);
});
