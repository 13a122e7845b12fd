/**
 * Configuration, validated once at start-up. Every variable is listed in README's table.
 * The rest of the code receives a typed `Config`; nothing else reads `process.env`.
 */
import { readFileSync } from 'fs';
import { z } from 'zod';
import { parsePasswordHash, type AgentAccount } from './handoff/agentAuth';

/** Boolean flags: true/1/yes, false/0/no or empty. Exported for the sections that need one. */
export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined))
  .pipe(z.string().url().optional());
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? def : Number(v)))
    .pipe(z.number().int().min(min).max(max));
const num = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? def : Number(v)))
    .pipe(z.number().min(min).max(max));

export const envSchema = z.object({
  PORT: int(3978, 0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  PUBLIC_URL: optionalUrl,
  METRICS_TOKEN: optionalString,

  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI', '']).optional().transform((v) => v || undefined),
  MicrosoftAppTenantId: optionalString,

  CARRIER_API_URL: optionalUrl,
  CARRIER_API_KEY: optionalString,
  CARRIER_TIMEOUT_MS: int(5000, 100, 120000),
  CARRIER_RETRIES: int(2, 0, 5),
  SANDBOX_PORT: int(0, 0, 65535),

  RECOGNIZER: z.enum(['embedded', 'clu', 'luis']).optional().default('embedded'),
  NLU_MIN_CONFIDENCE: num(0.45, 0, 1),
  NLU_AMBIGUITY_MARGIN: num(0.12, 0, 1),
  NLU_MAX_CHARS: int(500, 20, 100000),
  CLOUD_NLU_TIMEOUT_MS: int(1500, 50, 30000),
  CLU_ENDPOINT: optionalUrl,
  CLU_KEY: optionalString,
  CLU_PROJECT: optionalString,
  CLU_DEPLOYMENT: optionalString,
  LUIS_ENDPOINT: optionalUrl,
  LUIS_APP_ID: optionalString,
  LUIS_KEY: optionalString,
  LUIS_SLOT: z.enum(['production', 'staging']).optional().default('production'),
  LUIS_COMPAT_APP_IDS: z.string().optional().default(''),
  LUIS_COMPAT_KEYS: z.string().optional().default(''),

  DIRECTLINE_SECRET: optionalString,
  DIRECTLINE_URL: optionalUrl,
  DIRECTLINE_ALLOWED_ORIGINS: z.string().optional().default('*'),
  DIRECTLINE_TOKEN_KEY: optionalString,
  MESSENGER_PAGE_ACCESS_TOKEN: optionalString,
  MESSENGER_APP_SECRET: optionalString,
  MESSENGER_VERIFY_TOKEN: optionalString,
  MESSENGER_GRAPH_API_URL: z.string().optional().default('https://graph.facebook.com/v21.0').pipe(z.string().url()),
  MESSENGER_TIMEOUT_MS: int(10000, 100, 60000),

  BUSINESS_TIMEZONE: z.string().optional().default('Europe/Vilnius'),
  BUSINESS_HOURS: z
    .string()
    .optional()
    .default('1-5 08:00-19:00')
    .pipe(z.string().regex(/^[1-7]-[1-7] \d\d:\d\d-\d\d:\d\d$/, 'expected e.g. "1-5 08:00-19:00"')),
  BUSINESS_HOLIDAYS: z.string().optional().default('LT'),
  DELAY_ESCALATE_WORKING_DAYS: int(5, 0, 60),
  MAX_PROMPT_ATTEMPTS: int(3, 1, 10),

  REDIS_URL: optionalString,
  REDIS_CLUSTER: bool,
  REDIS_PREFIX: z.string().optional().default('ld:').pipe(z.string().regex(/^[^{}\s]*$/, 'must not contain braces or spaces')),
  AGENTS: optionalString,
  AGENTS_FILE: optionalString,
  AGENT_SESSION_TTL_MINUTES: int(480, 5, 7 * 24 * 60),
  HANDOFF_TARGET_HOURS: z
    .string()
    .optional()
    .default('1,4,8')
    .pipe(z.string().regex(/^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/, 'expected three hours for priorities 1,2,3, e.g. "1,4,8"')),
  AGENT_WEBHOOK_URL: optionalUrl,
  UNCLAIMED_ALERT_MINUTES: int(10, 1, 24 * 60),
});

export type Env = z.input<typeof envSchema>;

/** The typed configuration every component receives. */
export interface Config {
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl?: string;
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  botAuth: {
    MicrosoftAppId?: string;
    MicrosoftAppPassword?: string;
    MicrosoftAppType?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    MicrosoftAppTenantId?: string;
  };
  carrier: {
    /** undefined = start the embedded sandbox carrier server. */
    url?: string;
    apiKey?: string;
    timeoutMs: number;
    retries: number;
    sandboxPort: number;
  };
  nlu: {
    recognizer: 'embedded' | 'clu' | 'luis';
    minConfidence: number;
    ambiguityMargin: number;
    maxChars: number;
    cloudTimeoutMs: number;
    clu?: { endpoint: string; key: string; project: string; deployment: string };
    luis?: { endpoint: string; appId: string; key: string; slot: 'production' | 'staging' };
    /** App ids (UUIDs) the built-in LUIS v3-compatible endpoint answers for; empty = endpoint off. */
    luisCompatAppIds: string[];
    /** Prediction keys accepted by that endpoint; empty = no key check. */
    luisCompatKeys: string[];
  };
  channels: {
    /** Azure Direct Line secret; when unset the page gets tokens of the embedded endpoint. */
    directLineSecret?: string;
    directLineUrl?: string;
    allowedOrigins: string[];
    /** Signing key of embedded Direct Line tokens (random per process when unset). */
    directLineTokenKey?: string;
    /** Messenger direct mode (no Azure), on when page token, app secret and verify token are all set. */
    messenger?: { pageAccessToken: string; appSecret: string; verifyToken: string; graphApiUrl: string; timeoutMs: number };
  };
  business: {
    timeZone: string;
    /** ISO weekdays open (1 = Monday). */
    days: number[];
    openMinute: number;
    closeMinute: number;
    /** `date-holidays` country code for public holidays, or `none`. */
    holidays: string;
    delayEscalateWorkingDays: number;
  };
  dialogs: { maxPromptAttempts: number };
  /** Shared state for several bot instances; undefined = in-process memory (one instance only). */
  redis?: { url: string; cluster: boolean; prefix: string };
  handoff: {
    /** Configured agents; undefined = create demo accounts with random passwords at start-up. */
    agents?: AgentAccount[];
    sessionTtlMinutes: number;
    /** First-response targets in working hours for priorities 1, 2, 3. */
    targetHours: [number, number, number];
    webhookUrl?: string;
    unclaimedAlertMinutes: number;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * Validates the environment and returns the typed config, or throws a `ConfigError` that names
 * every offending variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];

  const [dayRange, timeRange] = e.BUSINESS_HOURS.split(' ');
  const [d1, d2] = dayRange.split('-').map(Number);
  const [t1, t2] = timeRange.split('-');
  const openMinute = minutes(t1);
  const closeMinute = minutes(t2);
  if (d1 > d2) problems.push('BUSINESS_HOURS: first day must not be after the last day');
  if (openMinute >= closeMinute || closeMinute > 24 * 60) problems.push('BUSINESS_HOURS: opening must be before closing');
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.BUSINESS_TIMEZONE });
  } catch {
    problems.push(`BUSINESS_TIMEZONE: unknown time zone "${e.BUSINESS_TIMEZONE}"`);
  }

  let clu: Config['nlu']['clu'];
  if (e.CLU_ENDPOINT || e.RECOGNIZER === 'clu') {
    if (!e.CLU_ENDPOINT || !e.CLU_KEY || !e.CLU_PROJECT || !e.CLU_DEPLOYMENT) {
      problems.push('CLU_ENDPOINT, CLU_KEY, CLU_PROJECT and CLU_DEPLOYMENT are all required for RECOGNIZER=clu');
    } else clu = { endpoint: e.CLU_ENDPOINT, key: e.CLU_KEY, project: e.CLU_PROJECT, deployment: e.CLU_DEPLOYMENT };
  }
  let luis: Config['nlu']['luis'];
  if (e.LUIS_ENDPOINT || e.RECOGNIZER === 'luis') {
    if (!e.LUIS_ENDPOINT || !e.LUIS_APP_ID || !e.LUIS_KEY) {
      problems.push('LUIS_ENDPOINT, LUIS_APP_ID and LUIS_KEY are all required for RECOGNIZER=luis');
    } else luis = { endpoint: e.LUIS_ENDPOINT, appId: e.LUIS_APP_ID, key: e.LUIS_KEY, slot: e.LUIS_SLOT };
  }
  const messengerVars = [e.MESSENGER_PAGE_ACCESS_TOKEN, e.MESSENGER_APP_SECRET, e.MESSENGER_VERIFY_TOKEN];
  if (messengerVars.some(Boolean) && !messengerVars.every(Boolean)) {
    problems.push('MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN must all be set for Messenger direct mode');
  }
  if (e.MicrosoftAppId && !e.DIRECTLINE_SECRET) {
    problems.push('DIRECTLINE_SECRET: required when MicrosoftAppId is set (the embedded Direct Line endpoint only runs without app credentials)');
  }
  for (const id of list(e.LUIS_COMPAT_APP_IDS)) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) problems.push(`LUIS_COMPAT_APP_IDS: "${id}" is not a UUID (LUIS clients require one)`);
  }
  if (e.MicrosoftAppId && !e.MicrosoftAppType) problems.push('MicrosoftAppType: required when MicrosoftAppId is set');
  if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) {
    problems.push('MicrosoftAppTenantId: required for MicrosoftAppType=SingleTenant');
  }
  const agents = parseAgents(e.AGENTS, e.AGENTS_FILE, problems);
  if (e.REDIS_URL && !/^rediss?:\/\//.test(e.REDIS_URL)) problems.push('REDIS_URL: must start with redis:// or rediss://');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);

  const days: number[] = [];
  for (let d = d1; d <= d2; d++) days.push(d);

  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL,
    metricsToken: e.METRICS_TOKEN,
    botAuth: {
      MicrosoftAppId: e.MicrosoftAppId,
      MicrosoftAppPassword: e.MicrosoftAppPassword,
      MicrosoftAppType: e.MicrosoftAppType,
      MicrosoftAppTenantId: e.MicrosoftAppTenantId,
    },
    carrier: {
      url: e.CARRIER_API_URL,
      apiKey: e.CARRIER_API_KEY,
      timeoutMs: e.CARRIER_TIMEOUT_MS,
      retries: e.CARRIER_RETRIES,
      sandboxPort: e.SANDBOX_PORT,
    },
    nlu: {
      recognizer: e.RECOGNIZER,
      minConfidence: e.NLU_MIN_CONFIDENCE,
      ambiguityMargin: e.NLU_AMBIGUITY_MARGIN,
      maxChars: e.NLU_MAX_CHARS,
      cloudTimeoutMs: e.CLOUD_NLU_TIMEOUT_MS,
      clu,
      luis,
      luisCompatAppIds: list(e.LUIS_COMPAT_APP_IDS),
      luisCompatKeys: list(e.LUIS_COMPAT_KEYS),
    },
    channels: {
      directLineSecret: e.DIRECTLINE_SECRET,
      directLineUrl: e.DIRECTLINE_URL,
      allowedOrigins: e.DIRECTLINE_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      directLineTokenKey: e.DIRECTLINE_TOKEN_KEY,
      messenger:
        e.MESSENGER_PAGE_ACCESS_TOKEN && e.MESSENGER_APP_SECRET && e.MESSENGER_VERIFY_TOKEN
          ? {
              pageAccessToken: e.MESSENGER_PAGE_ACCESS_TOKEN,
              appSecret: e.MESSENGER_APP_SECRET,
              verifyToken: e.MESSENGER_VERIFY_TOKEN,
              graphApiUrl: e.MESSENGER_GRAPH_API_URL,
              timeoutMs: e.MESSENGER_TIMEOUT_MS,
            }
          : undefined,
    },
    business: {
      timeZone: e.BUSINESS_TIMEZONE,
      days,
      openMinute,
      closeMinute,
      holidays: e.BUSINESS_HOLIDAYS,
      delayEscalateWorkingDays: e.DELAY_ESCALATE_WORKING_DAYS,
    },
    dialogs: { maxPromptAttempts: e.MAX_PROMPT_ATTEMPTS },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, cluster: e.REDIS_CLUSTER, prefix: e.REDIS_PREFIX } : undefined,
    handoff: {
      agents,
      sessionTtlMinutes: e.AGENT_SESSION_TTL_MINUTES,
      targetHours: e.HANDOFF_TARGET_HOURS.split(',').map((h) => Number(h.trim())) as [number, number, number],
      webhookUrl: e.AGENT_WEBHOOK_URL,
      unclaimedAlertMinutes: e.UNCLAIMED_ALERT_MINUTES,
    },
  };
}

const agentSchema = z.array(
  z.object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'id: letters, digits, ".", "_" or "-"'),
    name: z.string().min(1).max(100),
    role: z.enum(['agent', 'supervisor']),
    passwordHash: z.string(),
  }),
);

/** AGENTS (JSON) or AGENTS_FILE (a JSON file): `[{"id","name","role","passwordHash"}]`, hashes from `npm run agent:hash`. */
function parseAgents(json: string | undefined, file: string | undefined, problems: string[]): AgentAccount[] | undefined {
  if (json && file) {
    problems.push('AGENTS and AGENTS_FILE: set only one of them');
    return undefined;
  }
  const name = json ? 'AGENTS' : 'AGENTS_FILE';
  let text = json;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`AGENTS_FILE: cannot read ${file}: ${(err as Error).message}`);
      return undefined;
    }
  }
  if (!text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    problems.push(`${name}: not valid JSON (expected [{"id","name","role","passwordHash"}])`);
    return undefined;
  }
  const parsed = agentSchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return undefined;
  }
  const ids = new Set<string>();
  for (const a of parsed.data) {
    try {
      parsePasswordHash(a.passwordHash);
    } catch (err) {
      problems.push(`${name}: agent "${a.id}" passwordHash: ${(err as Error).message} (make one with npm run agent:hash -- <password>)`);
    }
    if (ids.has(a.id.toLowerCase())) problems.push(`${name}: duplicate agent id "${a.id}"`);
    ids.add(a.id.toLowerCase());
  }
  if (!parsed.data.length) problems.push(`${name}: the list is empty`);
  return parsed.data;
}
