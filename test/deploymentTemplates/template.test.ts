/**
 * The Azure deployment (`deploymentTemplates/`) against the configuration schema
 * (`CONFIG_VARIABLES` of services/config.ts) and README's deployment steps. No Bicep compiler runs
 * here: test/support/bicep.ts parses the template structurally, templateChecks.ts holds the rules.
 * Each rule also runs against a tampered copy, to prove it can fail.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { CONFIG_VARIABLES, type ConfigVariable } from '../../services/config';
import { BicepSyntaxError, literal, literalString, parseBicep, parseExpression, path, type BicepFile } from '../support/bicep';
import {
  apiVersionProblems,
  appSettingProblems,
  appSettingsOf,
  deployInvocations,
  hardeningProblems,
  keyVaultSecretProblems,
  looksLikeSecret,
  missingResourceProblems,
  outputProblems,
  parametersFileProblems,
  readmeProblems,
  readmeSection,
} from './templateChecks';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const TEMPLATE = read('deploymentTemplates/main.bicep');
const PARAMETERS = read('deploymentTemplates/main.parameters.json');
const README = read('README.md');
const OUTPUTS = ['webAppUrl', 'botName', 'messagingEndpoint'];

/** The template with one exact piece of text replaced; fails if the text is not there (a vacuous mutation). */
function mutate(source: string, from: string, to: string): string {
  if (!source.includes(from)) throw new Error(`mutate(): "${from}" is not in the source`);
  return source.replace(from, to);
}
const mutated = (from: string, to: string): BicepFile => parseBicep(mutate(TEMPLATE, from, to));

describe('deploymentTemplates/main.bicep', () => {
  const file = parseBicep(TEMPLATE);

  test('parses as Bicep: decorated params, vars, resources with Type@version, outputs', () => {
    expect(file.targetScope).toBe('resourceGroup');
    expect(file.params.length).toBeGreaterThan(20);
    expect(file.vars.length).toBeGreaterThan(5);
    expect(file.resources.length).toBeGreaterThan(20);
    expect(file.outputs.map((o) => o.name)).toEqual(expect.arrayContaining(OUTPUTS));
    const secure = file.params.filter((p) => p.secure).map((p) => p.name);
    expect(secure).toEqual(expect.arrayContaining(['microsoftAppPassword', 'carrierApiKey', 'metricsToken', 'directLineTokenKey', 'agents', 'facebookAppSecret', 'facebookPageAccessToken', 'extraSecrets']));
    const instances = file.params.find((p) => p.name === 'instanceCount');
    expect(instances?.decorators.map((d) => d.name)).toEqual(['description', 'minValue', 'maxValue']);
    expect(literal(instances?.default)).toBe(2);
  });

  test('declares the App Service plan and web app, Azure Bot with its three channels, Redis, Key Vault, Language, Log Analytics and Application Insights', () => {
    expect(missingResourceProblems(file)).toEqual([]);
  });

  test('uses API versions no older than the floors, and no preview except where no GA version exists', () => {
    expect(apiVersionProblems(file)).toEqual([]);
  });

  test('hardens the web app (HTTPS only, TLS 1.2, no FTP, no affinity, WebSockets, Node 20, health check) and Redis (TLS only); at least two instances', () => {
    expect(hardeningProblems(file)).toEqual([]);
    const site = file.resources.find((r) => r.type === 'Microsoft.Web/sites');
    expect(literal(path(site?.body, 'properties', 'siteConfig', 'healthCheckPath'))).toBe('/readyz');
  });

  test('starts the app as `npm start` does (the same node flags)', () => {
    const site = file.resources.find((r) => r.type === 'Microsoft.Web/sites');
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toMatch(/^node (--[a-z-]+=\d+ )*dist\/index\.js$/);
    expect(literal(path(site?.body, 'properties', 'siteConfig', 'appCommandLine'))).toBe(start);
  });

  test('sets every variable CONFIG_VARIABLES requires on Azure, only variables the schema knows, and every secret from Key Vault', () => {
    expect(appSettingProblems(file, CONFIG_VARIABLES)).toEqual([]);
    const names = appSettingsOf(file).settings.map((s) => s.name);
    for (const v of CONFIG_VARIABLES.filter((x) => x.azure === 'required')) expect(names).toContain(v.name);
  });

  test('writes only secret-sourced values (secure parameters, listKeys, listChannelWithKeys) into Key Vault', () => {
    expect(keyVaultSecretProblems(file)).toEqual([]);
    const redisUrl = file.resources.find((r) => literal(r.body.kind === 'object' ? r.body.entries.find((e) => e.key === 'name')?.value : undefined) === 'REDIS-URL');
    const value = path(redisUrl?.body, 'properties', 'value');
    expect(value?.kind).toBe('string');
    // rediss://:<url-encoded key>@<host>:<TLS port>
    expect(value?.kind === 'string' && value.parts[0]).toBe('rediss://:');
  });

  test('outputs the web app URL, the bot name and the messaging endpoint, and no secret', () => {
    expect(outputProblems(file, OUTPUTS)).toEqual([]);
  });

  test('a variable another engineer makes required fails the check until the template sets it', () => {
    const added: ConfigVariable[] = [...CONFIG_VARIABLES, { name: 'PROOF_CODE_TTL_SECONDS', description: 'new', secret: false, azure: 'required' }];
    expect(appSettingProblems(file, added)).toEqual(['PROOF_CODE_TTL_SECONDS is required on Azure but the template does not set it']);
  });
});

describe('the template checks fail on a broken template', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['httpsOnly off', () => hardeningProblems(mutated('httpsOnly: true', 'httpsOnly: false')), /httpsOnly/],
    ['TLS 1.0', () => hardeningProblems(mutated("minTlsVersion: '1.2'", "minTlsVersion: '1.0'")), /minTlsVersion/],
    ['sticky sessions', () => hardeningProblems(mutated('clientAffinityEnabled: false', 'clientAffinityEnabled: true')), /clientAffinityEnabled/],
    ['no health check', () => hardeningProblems(mutated("healthCheckPath: '/readyz'", "healthCheckPath: ''")), /healthCheckPath/],
    ['one instance allowed', () => hardeningProblems(mutated('@minValue(2)\n@maxValue(30)\nparam instanceCount', '@minValue(1)\n@maxValue(30)\nparam instanceCount')), /capacity must be at least 2/],
    ['Redis non-TLS port', () => hardeningProblems(mutated('enableNonSslPort: false', 'enableNonSslPort: true')), /enableNonSslPort/],
    ['a preview API version', () => apiVersionProblems(mutated('Microsoft.Cache/redis@2024-11-01', 'Microsoft.Cache/redis@2024-04-01-preview')), /preview/],
    ['an old API version', () => apiVersionProblems(mutated('Microsoft.Web/sites@2024-11-01', 'Microsoft.Web/sites@2022-03-01')), /older than/],
    ['a type without a floor', () => apiVersionProblems(parseBicep(`${TEMPLATE}\nresource sa 'Microsoft.Storage/storageAccounts@2025-01-01' = {\n  name: 'x'\n}\n`)), /no API version floor/],
    ['no Facebook channel', () => missingResourceProblems(mutated("name: 'FacebookChannel'", "name: 'TelegramChannel'")), /FacebookChannel/],
    ['console logs not collected', () => missingResourceProblems(mutated("category: 'AppServiceConsoleLogs'", "category: 'AppServiceFileAuditLogs'")), /AppServiceConsoleLogs/],
    ['a required variable not set', () => appSettingProblems(mutated('  REDIS_URL: ', '  REDIS_URL_UNUSED: '), CONFIG_VARIABLES), /REDIS_URL is required/],
    ['a typo in a setting name', () => appSettingProblems(mutated('  CARRIER_API_URL: carrierApiUrl', '  CARRIER_API_ULR: carrierApiUrl'), CONFIG_VARIABLES), /CARRIER_API_ULR is not a variable/],
    ['a variable unused on Azure', () => appSettingProblems(mutated('  PUBLIC_URL: appUrl', "  PUBLIC_URL: appUrl\n  SANDBOX_PORT: '0'"), CONFIG_VARIABLES), /SANDBOX_PORT is marked unused/],
    [
      'a secret as a literal',
      () => appSettingProblems(mutated("METRICS_TOKEN: '@Microsoft.KeyVault(SecretUri=${secretMetricsToken.properties.secretUriWithVersion})'", "METRICS_TOKEN: 'not-so-secret'"), CONFIG_VARIABLES),
      /secret METRICS_TOKEN is not set from/,
    ],
    [
      'a secret from a plain parameter',
      () => appSettingProblems(mutated("CARRIER_API_KEY: '@Microsoft.KeyVault(SecretUri=${secretCarrierKey.properties.secretUriWithVersion})'", 'CARRIER_API_KEY: carrierApiUrl'), CONFIG_VARIABLES),
      /secret CARRIER_API_KEY is not set from/,
    ],
    ['a literal written to Key Vault', () => keyVaultSecretProblems(mutated('value: carrierApiKey', "value: 'hunter2'")), /secretCarrierKey/],
    ['a secret parameter without @secure()', () => appSettingProblems(mutated('@secure()\nparam carrierApiKey string', 'param carrierApiKey string'), CONFIG_VARIABLES), /CARRIER_API_KEY refers to Key Vault secret secretCarrierKey, whose value is not secret-sourced/],
    ['secure extras in plain settings', () => appSettingProblems(mutated('union(extraAppSettings, extraSecretSettings,', 'union(extraAppSettings, extraSecrets,'), CONFIG_VARIABLES), /extraSecrets is passed into app settings in plain text/],
    ['a secret output', () => outputProblems(parseBicep(`${TEMPLATE}\noutput leak string = carrierApiKey\n`), OUTPUTS), /output leak/],
    ['a missing output', () => outputProblems(mutated('output botName string', 'output botResourceName string'), OUTPUTS), /missing output botName/],
  ];
  test.each(cases)('%s', (_name, run, expected) => {
    const problems = run();
    expect(problems.join('\n')).toMatch(expected);
  });

  test('the parser rejects unbalanced braces and brackets, unknown statements and malformed types', () => {
    const lastBrace = TEMPLATE.lastIndexOf('}');
    expect(() => parseBicep(TEMPLATE.slice(0, lastBrace) + TEMPLATE.slice(lastBrace + 1))).toThrow(BicepSyntaxError);
    expect(() => parseBicep(mutate(TEMPLATE, "trustedOrigins: directLineEnhancedAuth ? filter(widgetOrigins, origin => origin != '*') : []", "trustedOrigins: [directLineEnhancedAuth"))).toThrow(/never closed|closes/);
    expect(() => parseBicep(`${TEMPLATE}\nfoo bar = 1\n`)).toThrow(/unknown top-level statement/);
    expect(() => parseBicep(mutate(TEMPLATE, "'Microsoft.Web/sites@2024-11-01'", "'Microsoft.Web/sites'"))).toThrow(/Namespace\/type@yyyy-mm-dd/);
    expect(() => parseBicep(`${TEMPLATE}\nvar suffix = 'again'\n`)).toThrow(/already declared/);
  });
});

describe('deploymentTemplates/main.parameters.json', () => {
  const file = parseBicep(TEMPLATE);

  test('is ARM parameters JSON whose names exist in the template, with valid values and no secret', () => {
    expect(parametersFileProblems(PARAMETERS, file, CONFIG_VARIABLES)).toEqual([]);
  });

  const withParams = (edit: (params: Record<string, unknown>) => void): string => {
    const doc = JSON.parse(PARAMETERS) as { parameters: Record<string, unknown> };
    edit(doc.parameters);
    return JSON.stringify(doc);
  };
  const cases: Array<[string, string, RegExp]> = [
    ['a value for a @secure() parameter', withParams((p) => (p.carrierApiKey = { value: 'x' })), /carrierApiKey is @secure\(\)/],
    ['a parameter the template does not have', withParams((p) => (p.instanceCnt = { value: 3 })), /instanceCnt does not exist/],
    ['an instance count below the minimum', withParams((p) => (p.instanceCount = { value: 1 })), /outside \[2, 30\]/],
    ['a value not allowed', withParams((p) => (p.botAppType = { value: 'Anonymous' })), /not among the allowed values/],
    ['a URL with a password', withParams((p) => (p.carrierApiUrl = { value: 'https://svc:Pa55word@api.carrier.example' })), /URL with a password/],
    ['a token-shaped setting', withParams((p) => (p.extraAppSettings = { value: { LOG_LEVEL: 'q8Zr2XkP0vW9sT4bN7mJ1cY6hL3dF5gA' } })), /random-looking token/],
    ['a secret variable in extraAppSettings', withParams((p) => (p.extraAppSettings = { value: { AGENT_WEBHOOK_URL: 'https://hooks.example/x' } })), /AGENT_WEBHOOK_URL is a secret/],
    ['an unknown variable in extraAppSettings', withParams((p) => (p.extraAppSettings = { value: { LOGLEVEL: 'info' } })), /LOGLEVEL is not a variable/],
    ['a template-managed variable in extraAppSettings', withParams((p) => (p.extraAppSettings = { value: { PUBLIC_URL: 'https://x.example' } })), /PUBLIC_URL is set by the template/],
    ['no $schema', JSON.stringify({ contentVersion: '1.0.0.0', parameters: {} }), /\$schema/],
  ];
  test.each(cases)('the check fails on %s', (_name, text, expected) => {
    expect(parametersFileProblems(text, file, CONFIG_VARIABLES).join('\n')).toMatch(expected);
  });

  test('secret shapes: JWTs, keys, hashes and tokens look secret; names, URLs, GUIDs and enum values do not', () => {
    for (const s of ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'rediss://:abc@host:6380', 'DefaultEndpointsProtocol=https;AccountKey=abc', 'scrypt$16384$8$1$c2FsdA$aGFzaA', 'EAAGm0PX4ZCpsBAKZAZCd3ZBqW9xZCpsBAK', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5']) {
      expect([s, looksLikeSecret(s)]).toEqual([s, expect.any(String)]);
    }
    for (const s of ['lockerdesk', 'NODE|20-lts', 'https://api.carrier.example/', '1-5 08:00-19:00', 'Europe/Vilnius', '0f8fad5b-d9cb-469f-a165-70867728950e', 'SingleTenant', 'lockerdesk-production-westeurope']) {
      expect([s, looksLikeSecret(s)]).toEqual([s, undefined]);
    }
  });
});

describe("README's deployment steps", () => {
  const file = parseBicep(TEMPLATE);
  const section = readmeSection(README, 'Deployment on Azure');

  test('pass every parameter the template has no default for, and only parameters it declares', () => {
    expect(readmeProblems(section, file, PARAMETERS)).toEqual([]);
    expect(deployInvocations(section ?? '').length).toBeGreaterThan(5);
  });

  test('cover creating the group, the bot identity, the deployment, the code, readiness, Facebook, scaling, rotation and logs', () => {
    for (const needle of ['az group create', 'az ad app create', 'UserAssignedMSI', 'az deployment group create', 'az webapp deploy', '/readyz', '### Connecting the Facebook page', '### Scaling out', '### Rotating secrets', 'DIRECTLINE_TOKEN_KEY', 'regenerate-keys', 'regeneratekeys', '### Where the logs go', 'AppServiceConsoleLogs']) {
      expect(section).toContain(needle);
    }
  });

  test('the check fails when a required parameter is missing from the steps or a step passes an unknown one', () => {
    const withoutCarrier = mutate(section ?? '', 'carrierApiUrl=https://api.carrier.example/ ', '');
    expect(readmeProblems(withoutCarrier, file, PARAMETERS)).toEqual(['the deployment command does not pass carrierApiUrl, which has no default']);
    const withTypo = mutate(section ?? '', '`deploy instanceCount=4`', '`deploy instances=4`');
    expect(readmeProblems(withTypo, file, PARAMETERS)).toEqual(['a deployment command passes instances, which the template does not declare']);
  });
});

describe('the Bicep parser', () => {
  test('reads strings with interpolations, objects, arrays, loops, lambdas, ternaries and non-null access', () => {
    const e = parseExpression("'rediss://:${uriComponent(k == 'a' ? r!.listKeys().primaryKey : r.listKeys().secondaryKey)}@${r.properties.hostName}'");
    expect(e.kind).toBe('string');
    expect(e.kind === 'string' && e.parts.map((p) => (typeof p === 'string' ? p : p.kind))).toEqual(['rediss://:', 'call', '@', 'member']);
    const f = parseBicep("var xs = [for (x, i) in items(o): {\n  name: x.key\n  'quoted-key': i\n}]\nvar g = toObject(items(o), e => e.key, (e) => e.value)\nvar h = {\n  a: 1\n  b: [\n    true\n    null\n  ]\n}\n");
    expect(f.vars.map((v) => v.value.kind)).toEqual(['for', 'call', 'object']);
    const h = f.vars[2].value;
    expect(literal(path(h, 'a'))).toBe(1);
    expect(path(h, 'b')?.kind).toBe('array');
  });

  test('reports the line of an unterminated string, an unknown escape or a stray closer', () => {
    expect(() => parseBicep("var a = 'x\nvar b = 1\n")).toThrow(/line 1: unterminated string/);
    expect(() => parseBicep("var a = 'x\\q'\n")).toThrow(/unknown escape/);
    expect(() => parseBicep('var a = 1\n}\n')).toThrow(/line 2: unbalanced "}"/);
    expect(() => parseBicep('var a = {\n  b: (1\n}\n')).toThrow(BicepSyntaxError);
  });

  test('keeps decorators and @secure() with their parameter', () => {
    const f = parseBicep("@secure()\n@minLength(32)\nparam k string\n\n@allowed([\n  'a'\n  'b'\n])\nparam c string = 'a'\n");
    expect(f.params.map((p) => [p.name, p.secure, p.decorators.map((d) => d.name)])).toEqual([
      ['k', true, ['secure', 'minLength']],
      ['c', false, ['allowed']],
    ]);
    expect(literalString(f.params[1].default)).toBe('a');
  });
});
