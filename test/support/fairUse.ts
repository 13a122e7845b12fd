/**
 * Configuration for tests that drive the real application faster than a person types: the
 * fair-use flood limits (`FLOOD_*`) are set for humans, so a scripted conversation would be
 * taken for a flood. Spread it into `loadConfig({...})`. Tests of fair use itself use the defaults.
 */
export const SCRIPTED_CLIENT_ENV = {
  FLOOD_BURST_MESSAGES: '1000',
  FLOOD_BURST_SECONDS: '1',
  FLOOD_MAX_MESSAGES: '1000',
  FLOOD_MAX_MESSAGES_PER_IP: '1000',
} as const;
