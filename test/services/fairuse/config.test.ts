/** The fair-use block of the configuration: defaults, overrides, and errors that name the variable. */
import { loadConfig } from '../../../services/config';

test('defaults', () => {
  expect(loadConfig({}).fairUse).toEqual({
    floodMaxMessages: 10,
    floodWindowSeconds: 20,
    floodBurstMessages: 4,
    floodBurstSeconds: 5,
    floodMaxMessagesPerIp: 60,
    repeatWindowSeconds: 120,
  });
});

test('overrides', () => {
  const c = loadConfig({ FLOOD_MAX_MESSAGES: '12', FLOOD_WINDOW_SECONDS: '60', FLOOD_BURST_MESSAGES: '5', FLOOD_BURST_SECONDS: '10', FLOOD_MAX_MESSAGES_PER_IP: '200', REPEAT_WINDOW_SECONDS: '300' });
  expect(c.fairUse).toEqual({ floodMaxMessages: 12, floodWindowSeconds: 60, floodBurstMessages: 5, floodBurstSeconds: 10, floodMaxMessagesPerIp: 200, repeatWindowSeconds: 300 });
});

test.each([
  [{ FLOOD_MAX_MESSAGES: 'many' }, 'FLOOD_MAX_MESSAGES'],
  [{ FLOOD_WINDOW_SECONDS: '0' }, 'FLOOD_WINDOW_SECONDS'],
  [{ FLOOD_MAX_MESSAGES: '1' }, 'FLOOD_MAX_MESSAGES'],
  [{ FLOOD_MAX_MESSAGES_PER_IP: '9' }, 'FLOOD_MAX_MESSAGES_PER_IP: must not be below FLOOD_MAX_MESSAGES'],
  [{ FLOOD_BURST_MESSAGES: '11' }, 'FLOOD_BURST_MESSAGES: must not be above FLOOD_MAX_MESSAGES'],
  [{ FLOOD_BURST_SECONDS: '30' }, 'FLOOD_BURST_SECONDS: must not be above FLOOD_WINDOW_SECONDS'],
  [{ REPEAT_WINDOW_SECONDS: '-1' }, 'REPEAT_WINDOW_SECONDS'],
])('%o is rejected naming the variable', (env, message) => {
  expect(() => loadConfig(env)).toThrow(message);
});
