/**
 * Configuration, validated once at start-up from one zod schema. Every environment variable is
 * declared exactly once below, in its section, with its schema and its documentation (what it
 * means, whether it is a secret, whether an Azure deployment must set it). From that one
 * declaration come:
 *
 * - `Config` — `z.output` of the schema: each section's variables transform into its typed
 *   section; cross-field rules live in `superRefine`;
 * - `CONFIG_VARIABLES` — the documentation rows (README's configuration table is generated from
 *   them by `npm run config:table`, and a test fails when the two disagree; the deployment
 *   template is checked against their `azure` column);
 * - `loadConfig()` errors, one line per problem, each starting with the variable's name.
 *
 * The rest of the code receives a typed `Config`; nothing else reads `process.env`.
 */
import { readFileSync } from 'fs';
import { isIP } from 'net';
import { z } from 'zod';
import { parsePasswordHash } from './handoff/agentAuth';
import type { ProofSettings } from './proof/ProofService';
import type { FairUseSettings } from './fairuse/FairUsePolicy';
import type { ReportsSettings } from './reports';

/** Whether an Azure deployment (App Service + Azure Bot, see `deploymentTemplates/`) must set a variable. */
export type AzureUse = 'required' | 'optional' | 'unused';

/** The documentation of one environment variable. */
export interface ConfigVariable {
  name: string;
  /** What it does, for README's table. */
  description: string;
  /** The default as shown to operators; absent = none. */
  default?: string;
  /** Never put it in a parameters file, a log line or a URL. */
  secret: boolean;
  azure: AzureUse;
}

type VariableDoc = Omit<ConfigVariable, 'name' | 'secret'> & { secret?: boolean };
interface Variable<S extends z.ZodType> extends VariableDoc {
  schema: S;
}
type Variables = Record<string, Variable<z.ZodType>>;
type ShapeOf<V extends Variables> = { [K in keyof V]: V[K]['schema'] };

/** Declares one variable: its schema (string input, typed output) and its documentation. */
function env<S extends z.ZodType>(schema: S, doc: VariableDoc): Variable<S> {
  return { schema, ...doc };
}

const declared: Variables[] = [];
/** The zod object over one section's variables; remembers them for `CONFIG_VARIABLES`. */
function variables<V extends Variables>(vars: V): z.ZodObject<ShapeOf<V>> {
  declared.push(vars);
  const shape = Object.fromEntries(Object.entries(vars).map(([name, v]) => [name, v.schema])) as ShapeOf<V>;
  return z.object(shape);
}

// ---- value schemas (each call makes a new schema, so every variable has its own) ----

/** Boolean flags: true/1/yes, false/0/no or empty. */
export const bool = (): z.ZodType<boolean, string | undefined> =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = () =>
  z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined));
const optionalUrl = () => optionalString().pipe(z.url({ protocol: /^https?$/ }).optional());
const withDefault = (def: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? def : v.trim()));
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
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, def: T[number]) =>
  withDefault(def).pipe(z.enum(values, { error: `expected one of ${values.join(', ')}` }));
const list = (def = '') =>
  withDefault(def).transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** One `TRUSTED_PROXIES` entry: an IP address, a CIDR range, `loopback` or `private`. */
function isProxyEntry(entry: string): boolean {
  if (/^(loopback|private)$/i.test(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// ---- sections ----

const server = variables({
  PORT: env(int(3978, 0, 65535), { description: 'HTTP port of the bot server (0 = any free port; App Service sets it)', azure: 'optional' }),
  LOG_LEVEL: env(oneOf(LOG_LEVELS, 'info'), { description: `pino level: ${LOG_LEVELS.join(', ')}`, azure: 'optional' }),
  PUBLIC_URL: env(optionalUrl(), {
    description:
      "public base URL of the server (used in links, cookies' Secure flag, and as the only base of the Direct Line `domain`, stream and upload URLs). Unset: those URLs are given only to requests addressed to a loopback host (`localhost`, `127.0.0.1`, `[::1]`); any other `Host` gets 403",
    azure: 'required',
  }),
  METRICS_TOKEN: env(optionalString(), {
    description: '`GET /metrics` (Prometheus) from anywhere but a loopback client (no proxy header) requires `Authorization: Bearer <token>`; unset = loopback clients only',
    secret: true,
    azure: 'required',
  }),
  TRUSTED_PROXIES: env(list('').pipe(z.array(z.string().refine(isProxyEntry, { error: 'expected addresses, CIDR ranges (10.0.0.0/8), loopback or private' }))), {
    description:
      "comma-separated proxies whose `X-Forwarded-For` is believed (addresses, CIDR ranges, `loopback`, `private` = RFC 1918, link-local and unique-local; on App Service: `private`). The client address is then the right-most forwarded address that is not a trusted proxy; it counts for the Direct Line per-address quota, agent sign-in limits and the fair-use per-IP limit. Unset: the header is ignored and the TCP peer is the client",
    azure: 'optional',
  }),
  INSECURE_ANONYMOUS_ACTIVITIES: env(bool(), {
    description:
      'test environments only: without `MicrosoftAppId`, accept anonymous activities on `/api/messages` from any client with any http(s) `serviceUrl` (the bot then POSTs wherever a caller says). Off: only loopback clients with a loopback `serviceUrl`; the start-up log warns when on',
    azure: 'unused',
  }),
}).transform((e) => ({
  port: e.PORT,
  /** Anonymous `/api/messages` from anyone (test environments); see `bots/http/server.ts`. */
  insecureAnonymousActivities: e.INSECURE_ANONYMOUS_ACTIVITIES,
  logLevel: e.LOG_LEVEL,
  publicUrl: e.PUBLIC_URL,
  /** Proxies whose `X-Forwarded-For` is believed (see `bots/http/clientAddress.ts`). */
  trustedProxies: e.TRUSTED_PROXIES,
  /** Bearer token for `GET /metrics` from non-loopback clients; unset = loopback clients only. */
  metricsToken: e.METRICS_TOKEN,
}));

const botAuth = variables({
  MicrosoftAppId: env(optionalString(), { description: 'Azure Bot identity; empty = local development (Emulator, embedded Direct Line)', azure: 'required' }),
  MicrosoftAppPassword: env(optionalString(), { description: 'client secret of the app id (`MultiTenant`, `SingleTenant`)', secret: true, azure: 'required' }),
  MicrosoftAppType: env(optionalString().pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()), {
    description: '`MultiTenant`, `SingleTenant` or `UserAssignedMSI`; required with an app id',
    azure: 'required',
  }),
  MicrosoftAppTenantId: env(optionalString(), { description: 'tenant, required for `SingleTenant`', azure: 'optional' }),
})
  .superRefine((e, ctx) => {
    if (e.MicrosoftAppId && !e.MicrosoftAppType) ctx.addIssue({ code: 'custom', path: ['MicrosoftAppType'], message: 'required when MicrosoftAppId is set' });
    if (e.MicrosoftAppId && (e.MicrosoftAppType === 'MultiTenant' || e.MicrosoftAppType === 'SingleTenant') && !e.MicrosoftAppPassword) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: `required for MicrosoftAppType=${e.MicrosoftAppType}` });
    }
    if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'required for MicrosoftAppType=SingleTenant' });
    }
  })
  // Exactly the option names botbuilder's ConfigurationBotFrameworkAuthentication reads.
  .transform((e) => ({
    MicrosoftAppId: e.MicrosoftAppId,
    MicrosoftAppPassword: e.MicrosoftAppPassword,
    MicrosoftAppType: e.MicrosoftAppType,
    MicrosoftAppTenantId: e.MicrosoftAppTenantId,
  }));

const carrier = variables({
  CARRIER_API_URL: env(optionalUrl(), {
    description: 'base URL of the carrier API (`services/carrier/openapi.yaml`); unset = start the sandbox',
    default: 'sandbox',
    azure: 'required',
  }),
  CARRIER_API_KEY: env(optionalString(), { description: 'sent as `Authorization: Bearer …`', secret: true, azure: 'required' }),
  CARRIER_TIMEOUT_MS: env(int(5000, 100, 120000), { description: 'timeout of one carrier call', azure: 'optional' }),
  CARRIER_RETRIES: env(int(2, 0, 5), { description: 'extra attempts for safe (idempotent) carrier calls only', azure: 'optional' }),
  SANDBOX_PORT: env(int(0, 0, 65535), {
    description: 'port of the embedded sandbox carrier (0 = free port); it listens on 127.0.0.1 only and also serves the SMS outbox (`/sandbox/sms`)',
    azure: 'unused',
  }),
}).transform((e) => ({
  /** undefined = start the embedded sandbox carrier server. */
  url: e.CARRIER_API_URL,
  apiKey: e.CARRIER_API_KEY,
  timeoutMs: e.CARRIER_TIMEOUT_MS,
  retries: e.CARRIER_RETRIES,
  sandboxPort: e.SANDBOX_PORT,
}));

const nlu = variables({
  RECOGNIZER: env(oneOf(['embedded', 'clu', 'luis'], 'embedded'), {
    description: '`embedded`, `clu` (Azure AI Language CLU) or `luis` (any LUIS v3-compatible endpoint)',
    azure: 'optional',
  }),
  NLU_MIN_CONFIDENCE: env(num(0.45, 0, 1), { description: 'below this the bot says what it can do instead of guessing', azure: 'optional' }),
  NLU_AMBIGUITY_MARGIN: env(num(0.12, 0, 1), { description: 'when the top two intents are closer than this, the bot asks which one', azure: 'optional' }),
  NLU_MAX_CHARS: env(int(500, 20, 100000), { description: 'longer messages are cut for recognition (the transcript keeps the full text)', azure: 'optional' }),
  CLOUD_NLU_TIMEOUT_MS: env(int(1500, 50, 30000), { description: 'a cloud recognizer slower than this falls back to the embedded one', azure: 'optional' }),
  CLU_ENDPOINT: env(optionalUrl(), { description: 'CLU prediction endpoint (with `CLU_KEY`, `CLU_PROJECT`, `CLU_DEPLOYMENT` for `RECOGNIZER=clu`)', azure: 'optional' }),
  CLU_KEY: env(optionalString(), { description: 'CLU key', secret: true, azure: 'optional' }),
  CLU_PROJECT: env(optionalString(), { description: 'CLU project name', azure: 'optional' }),
  CLU_DEPLOYMENT: env(optionalString(), { description: 'CLU deployment name', azure: 'optional' }),
  LUIS_ENDPOINT: env(optionalUrl(), { description: 'LUIS v3-compatible prediction endpoint (with `LUIS_APP_ID`, `LUIS_KEY` for `RECOGNIZER=luis`)', azure: 'optional' }),
  LUIS_APP_ID: env(optionalString(), { description: 'LUIS app id (UUID)', azure: 'optional' }),
  LUIS_KEY: env(optionalString(), { description: 'LUIS prediction key', secret: true, azure: 'optional' }),
  LUIS_SLOT: env(oneOf(['production', 'staging'], 'production'), { description: '`production` or `staging`', azure: 'optional' }),
  LUIS_COMPAT_APP_IDS: env(list(), {
    description:
      'comma-separated app ids (UUIDs) for which LockerDesk serves its own LUIS v3-compatible prediction endpoint, backed by the embedded model; empty = endpoint off',
    azure: 'unused',
  }),
  LUIS_COMPAT_KEYS: env(list(), {
    description: 'prediction keys that endpoint accepts (`Ocp-Apim-Subscription-Key`); empty = it answers loopback clients only (no proxy header) and the start-up log warns',
    secret: true,
    azure: 'unused',
  }),
})
  .superRefine((e, ctx) => {
    if ((e.CLU_ENDPOINT || e.RECOGNIZER === 'clu') && !(e.CLU_ENDPOINT && e.CLU_KEY && e.CLU_PROJECT && e.CLU_DEPLOYMENT)) {
      ctx.addIssue({ code: 'custom', path: ['CLU_ENDPOINT'], message: 'CLU_ENDPOINT, CLU_KEY, CLU_PROJECT and CLU_DEPLOYMENT are all required for RECOGNIZER=clu' });
    }
    if ((e.LUIS_ENDPOINT || e.RECOGNIZER === 'luis') && !(e.LUIS_ENDPOINT && e.LUIS_APP_ID && e.LUIS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['LUIS_ENDPOINT'], message: 'LUIS_ENDPOINT, LUIS_APP_ID and LUIS_KEY are all required for RECOGNIZER=luis' });
    }
    for (const id of e.LUIS_COMPAT_APP_IDS) {
      if (!UUID.test(id)) ctx.addIssue({ code: 'custom', path: ['LUIS_COMPAT_APP_IDS'], message: `"${id}" is not a UUID (LUIS clients require one)` });
    }
  })
  .transform((e) => ({
    recognizer: e.RECOGNIZER,
    minConfidence: e.NLU_MIN_CONFIDENCE,
    ambiguityMargin: e.NLU_AMBIGUITY_MARGIN,
    maxChars: e.NLU_MAX_CHARS,
    cloudTimeoutMs: e.CLOUD_NLU_TIMEOUT_MS,
    clu:
      e.CLU_ENDPOINT && e.CLU_KEY && e.CLU_PROJECT && e.CLU_DEPLOYMENT
        ? { endpoint: e.CLU_ENDPOINT, key: e.CLU_KEY, project: e.CLU_PROJECT, deployment: e.CLU_DEPLOYMENT }
        : undefined,
    luis: e.LUIS_ENDPOINT && e.LUIS_APP_ID && e.LUIS_KEY ? { endpoint: e.LUIS_ENDPOINT, appId: e.LUIS_APP_ID, key: e.LUIS_KEY, slot: e.LUIS_SLOT } : undefined,
    /** App ids (UUIDs) the built-in LUIS v3-compatible endpoint answers for; empty = endpoint off. */
    luisCompatAppIds: e.LUIS_COMPAT_APP_IDS,
    /** Prediction keys accepted by that endpoint; empty = loopback clients only. */
    luisCompatKeys: e.LUIS_COMPAT_KEYS,
  }));

const channels = variables({
  DIRECTLINE_SECRET: env(optionalString(), {
    description: 'Azure Direct Line secret (server-side only); required with an app id. Unset = the embedded Direct Line endpoint',
    secret: true,
    azure: 'required',
  }),
  DIRECTLINE_URL: env(optionalUrl(), { description: 'regional Direct Line base URL', default: "Azure's", azure: 'optional' }),
  // Direct Line security (issue #8): same origin by default, one signing key, token lifetime, quotas.
  DIRECTLINE_ALLOWED_ORIGINS: env(list(''), {
    description:
      "comma-separated page origins (`https://shop.example.lt`) that may embed the widget besides the server's own (the `PUBLIC_URL` origin, or its loopback origins); checked on the token route and on every Direct Line route and WebSocket; `*` = any page. Allowed origins get their own origin back in CORS, never `*`",
    default: 'same origin',
    azure: 'required',
  }),
  DIRECTLINE_TOKEN_KEY: env(optionalString().pipe(z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional()), {
    description:
      'at least 32 characters; signs embedded Direct Line tokens and the widget\'s visitor ids. Required with `REDIS_URL`; with it, tokens and visitor ids stay valid across restarts and instances. Random: both die with the process',
    default: 'random',
    secret: true,
    azure: 'required',
  }),
  DIRECTLINE_TOKEN_MAX_HOURS: env(int(24, 1, 30 * 24), {
    description: 'absolute lifetime of an embedded Direct Line token: refreshes and reconnects keep the first issue time and stop after this',
    azure: 'optional',
  }),
  DIRECTLINE_CONVERSATIONS_PER_CLIENT: env(int(30, 1, 100_000), {
    description: 'new widget conversations (token requests) one client address may start per 10 minutes (IPv6 counted per /64)',
    azure: 'optional',
  }),
  DIRECTLINE_CONVERSATIONS_PER_MINUTE: env(int(300, 1, 1_000_000), {
    description: 'new widget conversations the whole service starts per minute (counted in Redis when configured)',
    azure: 'optional',
  }),
  MESSENGER_PAGE_ACCESS_TOKEN: env(optionalString(), {
    description: 'Messenger direct mode (no Azure): with `MESSENGER_APP_SECRET` and `MESSENGER_VERIFY_TOKEN` turns on the webhook at `/api/messenger`',
    secret: true,
    azure: 'unused',
  }),
  MESSENGER_APP_SECRET: env(optionalString(), { description: 'Messenger app secret (checks `X-Hub-Signature-256`)', secret: true, azure: 'unused' }),
  MESSENGER_VERIFY_TOKEN: env(optionalString(), { description: 'Messenger webhook verify token', secret: true, azure: 'unused' }),
  MESSENGER_GRAPH_API_URL: env(withDefault('https://graph.facebook.com/v21.0').pipe(z.url({ protocol: /^https?$/ })), { description: 'Graph API base', azure: 'unused' }),
  MESSENGER_TIMEOUT_MS: env(int(10000, 100, 60000), { description: 'Send API timeout', azure: 'unused' }),
})
  .superRefine((e, ctx) => {
    const messenger = [e.MESSENGER_PAGE_ACCESS_TOKEN, e.MESSENGER_APP_SECRET, e.MESSENGER_VERIFY_TOKEN];
    if (messenger.some(Boolean) && !messenger.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['MESSENGER_PAGE_ACCESS_TOKEN'],
        message: 'MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN must all be set for Messenger direct mode',
      });
    }
  })
  .transform((e) => ({
    /** Azure Direct Line secret; when unset the page gets tokens of the embedded endpoint. */
    directLineSecret: e.DIRECTLINE_SECRET,
    directLineUrl: e.DIRECTLINE_URL,
    allowedOrigins: e.DIRECTLINE_ALLOWED_ORIGINS,
    /** Signing key of Direct Line tokens and visitor ids (random per process when unset; required with Redis). */
    directLineTokenKey: e.DIRECTLINE_TOKEN_KEY,
    /** Absolute lifetime of an embedded Direct Line token chain, and quotas on new conversations. */
    directLineLimits: {
      tokenMaxHours: e.DIRECTLINE_TOKEN_MAX_HOURS,
      conversationsPerClientPer10Minutes: e.DIRECTLINE_CONVERSATIONS_PER_CLIENT,
      conversationsPerMinute: e.DIRECTLINE_CONVERSATIONS_PER_MINUTE,
    },
    /** Messenger direct mode (no Azure), on when page token, app secret and verify token are all set. */
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
  }));

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const business = variables({
  BUSINESS_TIMEZONE: env(
    withDefault('Europe/Vilnius').refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown time zone'),
    { description: 'time zone of business hours', azure: 'optional' },
  ),
  BUSINESS_HOURS: env(
    withDefault('1-5 08:00-19:00')
      .pipe(z.string().regex(/^[1-7]-[1-7] \d\d:\d\d-\d\d:\d\d$/, 'expected e.g. "1-5 08:00-19:00"'))
      .transform((s, ctx) => {
        const first = Number(s[0]);
        const last = Number(s[2]);
        const openMinute = minutes(s.slice(4, 9));
        const closeMinute = minutes(s.slice(10, 15));
        if (first > last) ctx.addIssue({ code: 'custom', message: 'first day must not be after the last day' });
        if (openMinute >= closeMinute || closeMinute > 24 * 60) ctx.addIssue({ code: 'custom', message: 'opening must be before closing' });
        return { days: Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i), openMinute, closeMinute };
      }),
    { description: 'ISO weekdays and opening hours of the agents', default: '1-5 08:00-19:00', azure: 'optional' },
  ),
  BUSINESS_HOLIDAYS: env(withDefault('LT'), { description: '`date-holidays` country whose public holidays are closed days, or `none`', azure: 'optional' }),
  DELAY_ESCALATE_WORKING_DAYS: env(int(5, 0, 60), { description: 'a parcel later than this (working days) gets a person offered', azure: 'optional' }),
}).transform((e) => ({
  timeZone: e.BUSINESS_TIMEZONE,
  /** ISO weekdays open (1 = Monday). */
  days: e.BUSINESS_HOURS.days,
  openMinute: e.BUSINESS_HOURS.openMinute,
  closeMinute: e.BUSINESS_HOURS.closeMinute,
  /** `date-holidays` country code for public holidays, or `none`. */
  holidays: e.BUSINESS_HOLIDAYS,
  delayEscalateWorkingDays: e.DELAY_ESCALATE_WORKING_DAYS,
}));

const dialogs = variables({
  MAX_PROMPT_ATTEMPTS: env(int(3, 1, 10), { description: 'failed answers at one prompt before the bot stops asking and offers a person', azure: 'optional' }),
}).transform((e) => ({ maxPromptAttempts: e.MAX_PROMPT_ATTEMPTS }));

const redis = variables({
  REDIS_URL: env(optionalString().pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()), {
    description: '`redis://` or `rediss://` (Azure Cache for Redis); unset = in-memory state, queue and sessions (one instance only)',
    secret: true,
    azure: 'required',
  }),
  REDIS_CLUSTER: env(bool(), { description: 'connect as Redis Cluster', azure: 'optional' }),
  REDIS_PREFIX: env(withDefault('ld:').pipe(z.string().regex(/^[^{}\s]*$/, 'must not contain braces or spaces')), {
    description: 'prefix of every key',
    azure: 'optional',
  }),
})
  /** Shared state for several bot instances; undefined = in-process memory (one instance only). */
  .transform((e) => (e.REDIS_URL ? { url: e.REDIS_URL, cluster: e.REDIS_CLUSTER, prefix: e.REDIS_PREFIX } : undefined));

const agentSchema = z
  .array(
    z.object({
      id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'id: letters, digits, ".", "_" or "-"'),
      name: z.string().min(1).max(100),
      role: z.enum(['agent', 'supervisor']),
      passwordHash: z.string(),
    }),
  )
  .min(1, 'the list is empty')
  .superRefine((agents, ctx) => {
    const ids = new Set<string>();
    for (const a of agents) {
      try {
        parsePasswordHash(a.passwordHash);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `agent "${a.id}" passwordHash: ${(err as Error).message} (make one with npm run agent:hash -- <password>)` });
      }
      if (ids.has(a.id.toLowerCase())) ctx.addIssue({ code: 'custom', message: `duplicate agent id "${a.id}"` });
      ids.add(a.id.toLowerCase());
    }
  });
type AgentList = z.output<typeof agentSchema>;

/** `[{"id","name","role","passwordHash"}]` as JSON text; issues are reported on the variable. */
function agentList(text: string, ctx: z.RefinementCtx): AgentList | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON (expected [{"id","name","role","passwordHash"}])' });
    return undefined;
  }
  const parsed = agentSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: 'custom', message: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') });
  return undefined;
}

const handoff = variables({
  AGENTS: env(optionalString().transform((text, ctx) => (text ? agentList(text, ctx) : undefined)), {
    description:
      'JSON array of `{id, name, role: agent|supervisor, passwordHash}`; hashes from `npm run agent:hash -- <password>`. Unset (and no `AGENTS_FILE`) = demo accounts in this process only, entered through single-use links from the start-up log; the start is refused when `PUBLIC_URL` is https',
    default: 'demo agents',
    secret: true,
    azure: 'required',
  }),
  AGENTS_FILE: env(
    optionalString().transform((file, ctx) => {
      if (!file) return undefined;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `cannot read ${file}: ${(err as Error).message}` });
        return undefined;
      }
      return agentList(text, ctx);
    }),
    { description: 'a file holding the `AGENTS` JSON instead', azure: 'optional' },
  ),
  AGENT_SESSION_TTL_MINUTES: env(int(480, 5, 7 * 24 * 60), { description: 'agent console session lifetime (sliding)', azure: 'optional' }),
  HANDOFF_TARGET_HOURS: env(
    withDefault('1,4,8')
      .pipe(z.string().regex(/^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/, 'expected three hours for priorities 1,2,3, e.g. "1,4,8"'))
      .transform((s) => s.split(',').map((h) => Number(h.trim())))
      .pipe(z.tuple([z.number(), z.number(), z.number()])),
    { description: 'first-response targets in working hours for priority 1 (locker faults), 2 (parcel actions), 3 (general)', azure: 'optional' },
  ),
  AGENT_WEBHOOK_URL: env(optionalUrl(), {
    description: 'Teams/Slack-style incoming webhook for out-of-hours cases and unclaimed priority-1 cases',
    secret: true,
    azure: 'optional',
  }),
  UNCLAIMED_ALERT_MINUTES: env(int(10, 1, 24 * 60), { description: 'a priority-1 case unclaimed this long triggers the webhook', azure: 'optional' }),
  HANDOFF_CASES_PER_CUSTOMER_PER_HOUR: env(int(3, 1, 100), {
    description:
      'new cases one customer identity (channel user id) may open per hour, across conversations and instances; escalating again while their case is open joins it and never counts',
    azure: 'optional',
  }),
  OFF_HOURS_ALERTS_PER_HOUR: env(int(10, 1, 1000), {
    description: 'out-of-hours webhook alerts per hour for the whole service; further new cases are queued and logged without a webhook',
    azure: 'optional',
  }),
})
  .superRefine((e, ctx) => {
    if (e.AGENTS && e.AGENTS_FILE) ctx.addIssue({ code: 'custom', path: ['AGENTS'], message: 'set only one of AGENTS and AGENTS_FILE' });
  })
  .transform((e) => ({
    /** Configured agents; undefined = demo accounts in this process only, with single-use setup links (refused with an https PUBLIC_URL). */
    agents: e.AGENTS ?? e.AGENTS_FILE,
    sessionTtlMinutes: e.AGENT_SESSION_TTL_MINUTES,
    /** First-response targets in working hours for priorities 1, 2, 3. */
    targetHours: e.HANDOFF_TARGET_HOURS,
    webhookUrl: e.AGENT_WEBHOOK_URL,
    unclaimedAlertMinutes: e.UNCLAIMED_ALERT_MINUTES,
    casesPerCustomerPerHour: e.HANDOFF_CASES_PER_CUSTOMER_PER_HOUR,
    offHoursAlertsPerHour: e.OFF_HOURS_ALERTS_PER_HOUR,
  }));

/** Proof by possession (`services/proof`): one-time code limits and lifetimes. */
const proof = variables({
  PROOF_CODES_PER_PARCEL_PER_DAY: env(int(3, 1, 50), {
    description: 'one-time codes per parcel (both roles) in 24 hours, whatever the conversation, channel or instance',
    azure: 'optional',
  }),
  PROOF_CODES_PER_PHONE_PER_DAY: env(int(3, 1, 50), {
    description: "one-time codes per phone in 24 hours (the carrier's opaque phone key, and a keyed hash of a typed phone)",
    azure: 'optional',
  }),
  PROOF_CODES_PER_CONVERSATION: env(int(3, 1, 50), { description: 'one-time codes one conversation may request (24 hours)', azure: 'optional' }),
  PROOF_CODES_PER_CLIENT_PER_DAY: env(int(10, 1, 1000), {
    description: 'one-time codes per client key (channel identity) in 24 hours, when the caller gives one',
    azure: 'optional',
  }),
  PROOF_CODE_TTL_MINUTES: env(int(5, 1, 30), { description: "a one-time code is refused after this (also the embedded sandbox's code lifetime)", azure: 'optional' }),
  PROOF_TTL_MINUTES: env(int(15, 1, 240), { description: 'how long a proven phone (and its proof token) stays valid in the conversation', azure: 'optional' }),
}).transform(
  (e): ProofSettings => ({
    codesPerParcelPerDay: e.PROOF_CODES_PER_PARCEL_PER_DAY,
    codesPerPhonePerDay: e.PROOF_CODES_PER_PHONE_PER_DAY,
    codesPerConversation: e.PROOF_CODES_PER_CONVERSATION,
    codesPerClientPerDay: e.PROOF_CODES_PER_CLIENT_PER_DAY,
    codeTtlMinutes: e.PROOF_CODE_TTL_MINUTES,
    proofTtlMinutes: e.PROOF_TTL_MINUTES,
  }),
);

/** The bot's own limit on pickup SMS re-sends (`services/carrier/PickupSmsResender`). */
const pickupSms = variables({
  PICKUP_SMS_RESENDS_PER_DAY: env(int(2, 1, 10), {
    description: 'pickup SMS re-sends the bot allows per parcel and per conversation in 24 hours (the carrier has its own limit too)',
    azure: 'optional',
  }),
}).transform((e) => ({ resendsPerDay: e.PICKUP_SMS_RESENDS_PER_DAY }));

/** Public parcel lookups ("where is my parcel", and the parcel number of a change). */
const tracking = variables({
  PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR: env(int(30, 1, 10000), {
    description:
      'parcel-number lookups one client (channel identity) may make per hour, found or not (counted in Redis when configured); past it the bot asks the customer calmly to try later',
    azure: 'optional',
  }),
}).transform((e) => ({ lookupsPerClientPerHour: e.PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR }));

/** Fair use (`services/fairuse`): flood and repeat limits, set for people typing. */
const fairUse = variables({
  FLOOD_BURST_MESSAGES: env(int(4, 2, 1000), {
    description:
      'more messages than this within `FLOOD_BURST_SECONDS` from one conversation or customer is a flood (caught after a few messages; tests and scripts that drive the bot faster than a person must raise it)',
    azure: 'optional',
  }),
  FLOOD_BURST_SECONDS: env(int(5, 1, 3600), { description: 'the burst window', azure: 'optional' }),
  FLOOD_MAX_MESSAGES: env(int(10, 2, 1000), {
    description: 'more messages than this within `FLOOD_WINDOW_SECONDS` from one conversation or customer is a flood (a steady stream)',
    azure: 'optional',
  }),
  FLOOD_WINDOW_SECONDS: env(int(20, 1, 3600), {
    description: 'the flood window; after an excess the customer is answered again once the pace has dropped',
    azure: 'optional',
  }),
  FLOOD_MAX_MESSAGES_PER_IP: env(int(60, 2, 100000), {
    description: 'per IP of an anonymous web visitor within `FLOOD_WINDOW_SECONDS` (only where the channel endpoint gives a trusted IP)',
    azure: 'optional',
  }),
  REPEAT_WINDOW_SECONDS: env(int(120, 1, 86400), {
    description: "the same message as the customer's previous answered one within this time is not answered twice",
    azure: 'optional',
  }),
})
  .superRefine((e, ctx) => {
    const issue = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
    if (e.FLOOD_MAX_MESSAGES_PER_IP < e.FLOOD_MAX_MESSAGES) issue('FLOOD_MAX_MESSAGES_PER_IP', 'must not be below FLOOD_MAX_MESSAGES (many customers can share one address)');
    if (e.FLOOD_BURST_MESSAGES > e.FLOOD_MAX_MESSAGES) issue('FLOOD_BURST_MESSAGES', 'must not be above FLOOD_MAX_MESSAGES');
    if (e.FLOOD_BURST_SECONDS > e.FLOOD_WINDOW_SECONDS) issue('FLOOD_BURST_SECONDS', 'must not be above FLOOD_WINDOW_SECONDS');
  })
  .transform(
    (e): FairUseSettings => ({
      floodMaxMessages: e.FLOOD_MAX_MESSAGES,
      floodWindowSeconds: e.FLOOD_WINDOW_SECONDS,
      floodBurstMessages: e.FLOOD_BURST_MESSAGES,
      floodBurstSeconds: e.FLOOD_BURST_SECONDS,
      floodMaxMessagesPerIp: e.FLOOD_MAX_MESSAGES_PER_IP,
      repeatWindowSeconds: e.REPEAT_WINDOW_SECONDS,
    }),
  );

/** Reports (`services/reports`): how long the events they are computed from are kept. */
const reports = variables({
  REPORTS_RETENTION_DAYS: env(int(400, 1, 3650), {
    description: 'report events (conversations, flows, hand-offs, ratings, not-understood messages) older than this are dropped',
    azure: 'optional',
  }),
  REPORTS_MAX_EVENTS: env(int(1_000_000, 1000, 50_000_000), {
    description: 'at most this many report events are kept (the oldest go first)',
    azure: 'optional',
  }),
}).transform((e): ReportsSettings => ({ retentionDays: e.REPORTS_RETENTION_DAYS, maxEvents: e.REPORTS_MAX_EVENTS }));
/** Personal data (`services/handoff/PersonalData`, `services/privacy`): how long transcripts and closed cases are kept. */
const privacy = variables({
  RETENTION_DAYS: env(int(90, 1, 3650), {
    description:
      'closed cases and their transcripts are deleted this many days after closing, by a job in the process (hourly, one instance at a time through the shared flags); pre-case buffers expire after 24 h anyway',
    azure: 'optional',
  }),
}).transform((e) => ({ retentionDays: e.RETENTION_DAYS }));

/** Every section parses the same flat environment; the server section's fields sit at the top. */
const sections = z.object({ server, botAuth, carrier, nlu, channels, business, dialogs, redis, handoff, proof, pickupSms, tracking, fairUse, reports, privacy });
const SECTION_NAMES: readonly string[] = Object.keys(sections.shape);

/** The whole configuration: the environment in, the typed `Config` out. */
export const configSchema = z.preprocess(
  (raw) => Object.fromEntries(SECTION_NAMES.map((name) => [name, raw ?? {}])),
  sections
    // Rules across sections run once every section is valid.
    .superRefine((c, ctx) => {
      const issue = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
      if (c.botAuth.MicrosoftAppId && !c.channels.directLineSecret) {
        issue('DIRECTLINE_SECRET', 'required when MicrosoftAppId is set (the embedded Direct Line endpoint only runs without app credentials)');
      }
      if (c.redis && !c.channels.directLineTokenKey) {
        issue('DIRECTLINE_TOKEN_KEY', 'required with REDIS_URL (every instance and every restart must accept the same tokens and visitor ids)');
      }
    }, { when: (payload) => payload.issues.length === 0 })
    .transform(({ server: top, ...rest }) => ({ ...top, ...rest })),
);

/** The typed configuration every component receives. */
export type Config = z.output<typeof configSchema>;
/** The environment as `loadConfig` reads it. */
export type Env = Record<string, string | undefined>;

/** Every variable with its documentation, in declaration order (README's table, the Bicep check). */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = declared.flatMap((vars) =>
  Object.entries(vars).map(([name, v]): ConfigVariable => {
    const shown = v.default ?? shownDefault(v.schema);
    return { name, description: v.description, ...(shown === undefined ? {} : { default: shown }), secret: v.secret ?? false, azure: v.azure };
  }),
);

/** What a schema makes of an unset variable, when that is a plain value worth showing. */
function shownDefault(schema: z.ZodType): string | undefined {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success) return undefined;
  const value: unknown = parsed.data;
  if (Array.isArray(value)) return value.length ? value.join(',') : undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment and returns the typed config, or throws a `ConfigError` with one line
 * per problem, each naming the variable: `  BUSINESS_HOURS: opening must be before closing`.
 */
export function loadConfig(environment: Env = process.env): Config {
  const parsed = configSchema.safeParse(environment);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const where = i.path.filter((p) => typeof p !== 'string' || !SECTION_NAMES.includes(p)).join('.');
    return `  ${where || '(environment)'}: ${i.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
}
