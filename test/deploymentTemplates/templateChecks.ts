/**
 * Checks of `deploymentTemplates/` against `services/config.ts`, as pure functions over a parsed
 * template (test/support/bicep.ts), so the test can run them on the real files and on tampered
 * copies (each check must be able to fail). Every function returns a list of problems, empty when
 * the template is right; each problem names what is wrong and where.
 */
import type { ConfigVariable } from '../../services/config';
import { callName, entry, literal, literalString, path, walk, type BicepFile, type Expr, type Param, type Resource } from '../support/bicep';

// ---- API versions ----

/**
 * The oldest API version accepted per resource type: the current GA versions in
 * Azure/bicep-types-az when the template was written (a newer one is welcome, an older one is a
 * regression). A type without a floor fails, so a new resource type gets one consciously.
 */
export const API_VERSION_FLOORS: Readonly<Record<string, string>> = {
  'Microsoft.Web/serverfarms': '2024-04-01',
  'Microsoft.Web/sites': '2024-04-01',
  'Microsoft.Web/sites/config': '2024-04-01',
  'Microsoft.Web/sites/basicPublishingCredentialsPolicies': '2024-04-01',
  'Microsoft.BotService/botServices': '2022-09-15',
  'Microsoft.BotService/botServices/channels': '2022-09-15',
  'Microsoft.Cache/redis': '2024-11-01',
  'Microsoft.KeyVault/vaults': '2024-11-01',
  'Microsoft.KeyVault/vaults/secrets': '2024-11-01',
  'Microsoft.CognitiveServices/accounts': '2024-10-01',
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.Insights/diagnosticSettings': '2021-05-01-preview',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.ManagedIdentity/userAssignedIdentities': '2023-01-31',
};

/**
 * Preview versions allowed, each with why. Resource-scoped diagnostic settings (workspace, log
 * categories) have no GA API version at all: 2016-09-01 is the classic "service" setting without
 * categories; every Microsoft sample and Azure Verified Module uses 2021-05-01-preview.
 */
export const PREVIEW_EXCEPTIONS: Readonly<Record<string, string>> = {
  'Microsoft.Insights/diagnosticSettings': '2021-05-01-preview',
};

const dateOf = (version: string) => version.slice(0, 10);

export function apiVersionProblems(file: BicepFile): string[] {
  const problems: string[] = [];
  for (const r of file.resources) {
    const floor = API_VERSION_FLOORS[r.type];
    const where = `resource ${r.symbol} (${r.type}@${r.apiVersion}, line ${r.line})`;
    if (!floor) {
      problems.push(`${where}: no API version floor is set for this type (add one to API_VERSION_FLOORS)`);
      continue;
    }
    if (r.apiVersion.includes('-preview') && PREVIEW_EXCEPTIONS[r.type] !== r.apiVersion) problems.push(`${where}: preview API version`);
    if (dateOf(r.apiVersion) < dateOf(floor)) problems.push(`${where}: older than ${floor}`);
  }
  return problems;
}

// ---- resources the deployment needs ----

function resourcesOf(file: BicepFile, type: string): Resource[] {
  return file.resources.filter((r) => r.type === type && !r.existing);
}

function resolveVar(file: BicepFile, e: Expr | undefined): Expr | undefined {
  let cur = e;
  for (let i = 0; cur && cur.kind === 'ident' && i < 20; i++) {
    const name = cur.name;
    const v = file.vars.find((x) => x.name === name);
    if (!v) return cur;
    cur = v.value;
  }
  return cur;
}

function paramOf(file: BicepFile, e: Expr | undefined): Param | undefined {
  const r = resolveVar(file, e);
  if (r?.kind !== 'ident') return undefined;
  const name = r.name;
  return file.params.find((p) => p.name === name);
}

/** A literal, or the default of the parameter (through variables) it names. */
function valueOf(file: BicepFile, e: Expr | undefined): ReturnType<typeof literal> {
  const direct = literal(resolveVar(file, e));
  if (direct !== undefined) return direct;
  return literal(paramOf(file, e)?.default);
}

function decoratorNumber(p: Param, name: string): number | undefined {
  const d = p.decorators.find((x) => x.name === name);
  const v = d && literal(d.args[0]);
  return typeof v === 'number' ? v : undefined;
}

function channelNames(file: BicepFile): string[] {
  return resourcesOf(file, 'Microsoft.BotService/botServices/channels').map((r) => literalString(entry(r.body, 'name')) ?? '?');
}

export function missingResourceProblems(file: BicepFile): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(`missing: ${what}`);
  };
  const plans = resourcesOf(file, 'Microsoft.Web/serverfarms');
  need(plans.some((p) => literal(entry(p.body, 'kind')) === 'linux' && literal(path(p.body, 'properties', 'reserved')) === true), 'a Linux App Service plan (kind linux, reserved: true)');
  const sites = resourcesOf(file, 'Microsoft.Web/sites');
  need(sites.length > 0, 'a web app (Microsoft.Web/sites)');
  const bots = resourcesOf(file, 'Microsoft.BotService/botServices');
  need(bots.some((b) => literal(entry(b.body, 'kind')) === 'azurebot'), "an Azure Bot (Microsoft.BotService/botServices, kind 'azurebot')");
  const channels = channelNames(file);
  for (const c of ['WebChatChannel', 'DirectLineChannel', 'FacebookChannel']) need(channels.includes(c), `the ${c} of the bot`);
  need(resourcesOf(file, 'Microsoft.Cache/redis').length > 0, 'Azure Cache for Redis (Microsoft.Cache/redis)');
  need(
    resourcesOf(file, 'Microsoft.CognitiveServices/accounts').some((r) => literal(entry(r.body, 'kind')) === 'TextAnalytics'),
    "an Azure AI Language resource (Microsoft.CognitiveServices/accounts, kind 'TextAnalytics')",
  );
  need(resourcesOf(file, 'Microsoft.OperationalInsights/workspaces').length > 0, 'a Log Analytics workspace');
  need(resourcesOf(file, 'Microsoft.Insights/components').length > 0, 'Application Insights');
  const siteSymbols = new Set(sites.map((s) => s.symbol));
  need(
    resourcesOf(file, 'Microsoft.Insights/diagnosticSettings').some((d) => {
      const scope = resolveVar(file, entry(d.body, 'scope'));
      const logs = path(d.body, 'properties', 'logs');
      return (
        scope?.kind === 'ident' &&
        siteSymbols.has(scope.name) &&
        logs?.kind === 'array' &&
        logs.items.some((l) => literal(entry(l, 'category')) === 'AppServiceConsoleLogs' && literal(entry(l, 'enabled')) === true)
      );
    }),
    "diagnostic settings sending the web app's AppServiceConsoleLogs to the workspace",
  );
  need(resourcesOf(file, 'Microsoft.KeyVault/vaults').some((v) => literal(path(v.body, 'properties', 'enableRbacAuthorization')) === true), 'a Key Vault with RBAC authorization');
  need(
    resourcesOf(file, 'Microsoft.Authorization/roleAssignments').some((r) => {
      const role = resolveVar(file, path(r.body, 'properties', 'roleDefinitionId'));
      const principal = path(r.body, 'properties', 'principalId');
      const text = role ? [...walk(role)].map((x) => literalString(x) ?? '').join(' ') : '';
      const principalRoot = principal && [...walk(principal)].find((x) => x.kind === 'ident');
      return text.includes('4633458b-17de-408a-b874-0445c86b69e6') && principalRoot?.kind === 'ident' && siteSymbols.has(principalRoot.name);
    }),
    "the web app's identity with the Key Vault Secrets User role",
  );
  return problems;
}

// ---- hardening of the web app and the cache ----

export function hardeningProblems(file: BicepFile): string[] {
  const problems: string[] = [];
  const expect = (where: string, actual: ReturnType<typeof literal>, wanted: ReturnType<typeof literal>) => {
    if (actual !== wanted) problems.push(`${where} is ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
  };
  for (const site of resourcesOf(file, 'Microsoft.Web/sites')) {
    const props = entry(site.body, 'properties');
    const config = entry(props, 'siteConfig');
    const w = `web app ${site.symbol}`;
    expect(`${w} httpsOnly`, valueOf(file, entry(props, 'httpsOnly')), true);
    expect(`${w} clientAffinityEnabled (no sticky sessions)`, valueOf(file, entry(props, 'clientAffinityEnabled')), false);
    expect(`${w} siteConfig.minTlsVersion`, valueOf(file, entry(config, 'minTlsVersion')), '1.2');
    expect(`${w} siteConfig.ftpsState`, valueOf(file, entry(config, 'ftpsState')), 'Disabled');
    expect(`${w} siteConfig.alwaysOn`, valueOf(file, entry(config, 'alwaysOn')), true);
    expect(`${w} siteConfig.webSocketsEnabled`, valueOf(file, entry(config, 'webSocketsEnabled')), true);
    const runtime = valueOf(file, entry(config, 'linuxFxVersion'));
    if (typeof runtime !== 'string' || !/^NODE\|20-lts$/.test(runtime)) problems.push(`${w} siteConfig.linuxFxVersion defaults to ${JSON.stringify(runtime)}, expected 'NODE|20-lts'`);
    const health = valueOf(file, entry(config, 'healthCheckPath'));
    if (typeof health !== 'string' || !/^\/[a-z]+$/.test(health)) problems.push(`${w} siteConfig.healthCheckPath is ${JSON.stringify(health)}, expected a path such as '/readyz'`);
  }
  for (const plan of resourcesOf(file, 'Microsoft.Web/serverfarms')) {
    const capacity = path(plan.body, 'sku', 'capacity');
    const p = paramOf(file, capacity);
    const fixed = literal(resolveVar(file, capacity));
    const min = p ? decoratorNumber(p, 'minValue') : typeof fixed === 'number' ? fixed : undefined;
    const def = p ? literal(p.default) : fixed;
    if (min === undefined || min < 2) problems.push(`plan ${plan.symbol}: sku.capacity must be at least 2 (a literal ≥ 2 or a parameter with @minValue(2)), found minimum ${min}`);
    if (typeof def !== 'number' || def < 2) problems.push(`plan ${plan.symbol}: sku.capacity defaults to ${JSON.stringify(def)}, expected at least 2`);
  }
  for (const cache of resourcesOf(file, 'Microsoft.Cache/redis')) {
    expect(`redis ${cache.symbol} enableNonSslPort`, valueOf(file, path(cache.body, 'properties', 'enableNonSslPort')), false);
    expect(`redis ${cache.symbol} minimumTlsVersion`, valueOf(file, path(cache.body, 'properties', 'minimumTlsVersion')), '1.2');
    if (!path(cache.body, 'properties', 'publicNetworkAccess')) problems.push(`redis ${cache.symbol}: publicNetworkAccess is not set explicitly`);
  }
  return problems;
}

// ---- app settings ----

/** App Service's and its agents' own settings: not LockerDesk configuration, allowed by name. */
export const PLATFORM_SETTINGS: ReadonlySet<string> = new Set([
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'ApplicationInsightsAgent_EXTENSION_VERSION',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITE_HEALTHCHECK_MAXPINGFAILURES',
]);

export interface AppSetting {
  name: string;
  value: Expr;
  line: number;
}

export interface AppSettings {
  /** Settings the template names itself (conditional ones included). */
  settings: AppSetting[];
  /** Parameters whose entries are passed through as settings, e.g. `extraAppSettings`. */
  passthrough: Array<{ param: Param; viaKeyVault: boolean }>;
  problems: string[];
}

/** Collects the web app's settings from `Microsoft.Web/sites/config` `appsettings` and `siteConfig.appSettings`. */
export function appSettingsOf(file: BicepFile): AppSettings {
  const out: AppSettings = { settings: [], passthrough: [], problems: [] };
  const visit = (e: Expr | undefined, depth: number): void => {
    if (!e || depth > 30) return;
    switch (e.kind) {
      case 'object':
        for (const x of e.entries) {
          if (typeof x.key === 'string') out.settings.push({ name: x.key, value: x.value, line: x.line });
          else out.problems.push(`line ${x.line}: an app setting with a computed name`);
        }
        return;
      case 'ternary':
        visit(e.then, depth + 1);
        visit(e.else, depth + 1);
        return;
      case 'ident': {
        const name = e.name;
        const v = file.vars.find((x) => x.name === name);
        if (v) return visit(v.value, depth + 1);
        const p = file.params.find((x) => x.name === name);
        if (p && p.type === 'object') {
          out.passthrough.push({ param: p, viaKeyVault: false });
          return;
        }
        out.problems.push(`line ${e.line}: app settings from "${name}", which is neither a variable nor an object parameter`);
        return;
      }
      case 'call': {
        const fn = callName(e);
        if (fn === 'union') {
          for (const a of e.args) visit(a, depth + 1);
          return;
        }
        // toObject(items(param), k => k.key, k => '<Key Vault reference>')
        if (fn === 'toObject' && e.args.length === 3 && e.args[0].kind === 'call' && callName(e.args[0]) === 'items') {
          const source = e.args[0].args[0];
          const p = source?.kind === 'ident' ? file.params.find((x) => x.name === source.name) : undefined;
          const valueFn = e.args[2];
          if (p && valueFn.kind === 'lambda') {
            out.passthrough.push({ param: p, viaKeyVault: isKeyVaultReference(valueFn.body) });
            return;
          }
        }
        out.problems.push(`line ${e.line}: app settings from a call to ${fn ?? 'an expression'} this check does not understand`);
        return;
      }
      default:
        out.problems.push(`line ${e.line}: app settings from a ${e.kind} expression this check does not understand`);
    }
  };
  for (const r of resourcesOf(file, 'Microsoft.Web/sites/config')) {
    if (literal(entry(r.body, 'name')) === 'appsettings') visit(entry(r.body, 'properties'), 0);
  }
  for (const site of resourcesOf(file, 'Microsoft.Web/sites')) {
    const list = path(site.body, 'properties', 'siteConfig', 'appSettings');
    if (list?.kind === 'array') {
      for (const item of list.items) {
        const name = literalString(entry(item, 'name'));
        const value = entry(item, 'value');
        if (name && value) out.settings.push({ name, value, line: item.line });
        else out.problems.push(`line ${item.line}: an appSettings item without a literal name and a value`);
      }
    }
  }
  if (out.settings.length === 0 && out.passthrough.length === 0) out.problems.push('the web app has no app settings');
  return out;
}

/** A string starting `@Microsoft.KeyVault(`. */
function isKeyVaultReference(e: Expr): boolean {
  return e.kind === 'string' && typeof e.parts[0] === 'string' && e.parts[0].startsWith('@Microsoft.KeyVault(');
}

/** The symbol a `x.properties.secretUri` / `x!.properties.secretUriWithVersion` chain starts from. */
function secretUriSymbol(e: Expr): string | undefined {
  if (e.kind !== 'member' || !/^secretUri(WithVersion)?$/.test(e.property)) return undefined;
  const props = e.object;
  if (props.kind !== 'member' || props.property !== 'properties') return undefined;
  const root = props.object.kind === 'nonNull' ? props.object.operand : props.object;
  return root.kind === 'ident' ? root.name : undefined;
}

/**
 * Whether an expression's value comes from a secret source: a `@secure()` parameter, a `list*()`
 * call on a resource (keys, channel keys), or something built from one of those (an interpolated
 * string around it, `uriComponent(…)`, a member of it). A literal is never a secret source.
 */
export function isSecretSourced(file: BicepFile, e: Expr, loopVars: ReadonlyMap<string, Expr> = new Map(), depth = 0): boolean {
  if (depth > 30) return false;
  const again = (x: Expr) => isSecretSourced(file, x, loopVars, depth + 1);
  switch (e.kind) {
    case 'ident': {
      const name = e.name;
      const bound = loopVars.get(name);
      if (bound) return again(bound);
      const p = file.params.find((x) => x.name === name);
      if (p) return p.secure;
      const v = file.vars.find((x) => x.name === name);
      return v ? again(v.value) : false;
    }
    case 'call': {
      const fn = callName(e);
      if (fn && /^list[A-Z]/.test(fn)) return true;
      return e.args.some(again);
    }
    case 'member':
    case 'index':
      return again(e.object);
    case 'nonNull':
      return again(e.operand);
    case 'string': {
      const inner = e.parts.filter((p): p is Expr => typeof p !== 'string');
      return inner.length > 0 && inner.some(again);
    }
    case 'ternary':
      return again(e.then) && again(e.else);
    default:
      return false;
  }
}

/** Key Vault secrets of the template, by symbol, with whether their value is secret-sourced. */
function keyVaultSecrets(file: BicepFile): Map<string, { resource: Resource; sourced: boolean }> {
  const out = new Map<string, { resource: Resource; sourced: boolean }>();
  for (const r of resourcesOf(file, 'Microsoft.KeyVault/vaults/secrets')) {
    const value = path(r.body, 'properties', 'value');
    const loopVars = new Map<string, Expr>(r.loop ? [[r.loop.item, r.loop.source]] : []);
    out.set(r.symbol, { resource: r, sourced: value !== undefined && isSecretSourced(file, value, loopVars) });
  }
  return out;
}

/** Every Key Vault secret the template writes holds a secret-sourced value, never a literal. */
export function keyVaultSecretProblems(file: BicepFile): string[] {
  return [...keyVaultSecrets(file).values()]
    .filter((s) => !s.sourced)
    .map((s) => `Key Vault secret ${s.resource.symbol} (line ${s.resource.line}): its value is not from a @secure() parameter or a list*() call`);
}

/**
 * The app settings against the schema: every `azure: 'required'` variable is set, every name is a
 * variable the schema knows (or an App Service setting), no `unused` variable is set, and every
 * `secret` variable is set from a Key Vault reference to a secret-sourced Key Vault secret, a
 * `@secure()` parameter or a `list*()` call.
 */
export function appSettingProblems(file: BicepFile, variables: readonly ConfigVariable[]): string[] {
  const { settings, passthrough, problems } = appSettingsOf(file);
  const out = [...problems];
  const known = new Map(variables.map((v) => [v.name, v]));
  const names = new Set(settings.map((s) => s.name));
  for (const v of variables) if (v.azure === 'required' && !names.has(v.name)) out.push(`${v.name} is required on Azure but the template does not set it`);
  const secrets = keyVaultSecrets(file);
  for (const s of settings) {
    const v = known.get(s.name);
    if (!v) {
      if (!PLATFORM_SETTINGS.has(s.name)) out.push(`line ${s.line}: app setting ${s.name} is not a variable of services/config.ts (a typo?)`);
      continue;
    }
    if (v.azure === 'unused') out.push(`line ${s.line}: app setting ${s.name} is marked unused on Azure`);
    if (!v.secret) continue;
    if (isKeyVaultReference(s.value) && s.value.kind === 'string') {
      const refs = s.value.parts.filter((p): p is Expr => typeof p !== 'string').map(secretUriSymbol);
      const target = refs.length === 1 ? refs[0] : undefined;
      const secret = target ? secrets.get(target) : undefined;
      if (!secret) out.push(`line ${s.line}: ${s.name} is a Key Vault reference, but not to exactly one secret this template writes`);
      else if (!secret.sourced) out.push(`line ${s.line}: ${s.name} refers to Key Vault secret ${target}, whose value is not secret-sourced`);
      continue;
    }
    if (!isSecretSourced(file, s.value)) out.push(`line ${s.line}: secret ${s.name} is not set from a Key Vault reference, a @secure() parameter or a list*() call`);
  }
  for (const { param, viaKeyVault } of passthrough) {
    if (param.secure && !viaKeyVault) out.push(`line ${param.line}: the @secure() parameter ${param.name} is passed into app settings in plain text instead of through Key Vault`);
  }
  return out;
}

// ---- outputs ----

export function outputProblems(file: BicepFile, required: readonly string[]): string[] {
  const out: string[] = [];
  const names = new Set(file.outputs.map((o) => o.name));
  for (const n of required) if (!names.has(n)) out.push(`missing output ${n}`);
  for (const o of file.outputs) {
    if (o.decorators.some((d) => d.name === 'secure') || isSecretSourced(file, o.value)) out.push(`output ${o.name} (line ${o.line}) carries a secret`);
  }
  return out;
}

// ---- the parameters file ----

/** What a secret looks like when someone pastes one into a parameters file. */
export function looksLikeSecret(value: string): string | undefined {
  const v = value.trim();
  if (/^eyJ[\w-]+\.[\w-]+/.test(v)) return 'a JWT';
  if (/[a-z][a-z0-9+.-]*:\/\/[^/\s@:]*:[^/\s@]+@/i.test(v)) return 'a URL with a password';
  if (/(?:^|[;\s])(?:AccountKey|SharedAccessKey|password|pwd|secret)\s*=/i.test(v)) return 'a connection string with a key';
  if (/^(?:scrypt|\$[0-9a-z]+\$)/i.test(v) || /passwordHash/i.test(v)) return 'a password hash';
  if (/-----BEGIN [A-Z ]+-----/.test(v)) return 'a PEM key';
  if (/^EAA[A-Za-z0-9]{20,}$/.test(v)) return 'a Facebook access token';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(v)).length;
  if (/^[A-Za-z0-9+/=_\-~.]{24,}$/.test(v) && classes >= 2 && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return 'a long random-looking token';
  return undefined;
}

const SECRET_NAME = /password|secret|token|apikey|api_key|accesskey|connectionstring|credential|privatekey/i;

function paramTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'number';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // string, object
}

/**
 * `main.parameters.json`: valid ARM parameters JSON whose names all exist in the template, with
 * values of the declared type within the declared limits, and no secret in it — no value for any
 * `@secure()` parameter (a Key Vault `reference` is allowed), no secret-looking name with a value, no
 * value shaped like a key, token or password, and `extraAppSettings` naming only known, non-secret
 * variables the template does not already set.
 */
export function parametersFileProblems(text: string, file: BicepFile, variables: readonly ConfigVariable[]): string[] {
  const out: string[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return [`not valid JSON: ${(err as Error).message}`];
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return ['not a JSON object'];
  const doc = json as Record<string, unknown>;
  if (typeof doc.$schema !== 'string' || !/^https:\/\/schema\.management\.azure\.com\/schemas\/[0-9-]+\/deploymentParameters\.json#?$/.test(doc.$schema)) {
    out.push('$schema is not the ARM deploymentParameters schema');
  }
  if (typeof doc.contentVersion !== 'string' || !/^\d+\.\d+\.\d+\.\d+$/.test(doc.contentVersion)) out.push('contentVersion is missing or not like 1.0.0.0');
  const params = doc.parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return [...out, 'parameters is missing or not an object'];
  const managed = new Set(appSettingsOf(file).settings.map((s) => s.name));
  const known = new Map(variables.map((v) => [v.name, v]));

  const scan = (where: string, value: unknown): void => {
    if (typeof value === 'string') {
      const shape = looksLikeSecret(value);
      if (shape) out.push(`${where} looks like ${shape}`);
    } else if (Array.isArray(value)) value.forEach((v, i) => scan(`${where}[${i}]`, v));
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (SECRET_NAME.test(k) && v !== '' && v !== null) out.push(`${where}.${k}: a secret-looking name with a value`);
        scan(`${where}.${k}`, v);
      }
    }
  };

  for (const [name, raw] of Object.entries(params)) {
    const p = file.params.find((x) => x.name === name);
    if (!p) {
      out.push(`parameter ${name} does not exist in the template`);
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      out.push(`parameter ${name}: expected { "value": … } or { "reference": … }`);
      continue;
    }
    const item = raw as Record<string, unknown>;
    const extra = Object.keys(item).filter((k) => k !== 'value' && k !== 'reference' && k !== 'metadata');
    if (extra.length) out.push(`parameter ${name}: unexpected ${extra.join(', ')}`);
    if ('reference' in item) {
      if (!p.secure) out.push(`parameter ${name}: a Key Vault reference for a parameter that is not @secure()`);
      continue;
    }
    if (!('value' in item)) {
      out.push(`parameter ${name}: no value`);
      continue;
    }
    const value = item.value;
    if (p.secure) {
      out.push(`parameter ${name} is @secure(): pass it on the command line or as a Key Vault reference, never as a value here`);
      continue;
    }
    if (SECRET_NAME.test(name) && value !== '' && value !== null) out.push(`parameter ${name}: a secret-looking name with a value`);
    const wantType = p.type.replace(/\?$/, '');
    if (paramTypeOf(value) !== wantType) out.push(`parameter ${name}: ${paramTypeOf(value)} given, the template declares ${p.type}`);
    const allowed = p.decorators.find((d) => d.name === 'allowed')?.args[0];
    if (allowed?.kind === 'array' && !allowed.items.map(literal).includes(value as string)) out.push(`parameter ${name}: ${JSON.stringify(value)} is not among the allowed values`);
    const min = decoratorNumber(p, 'minValue');
    const max = decoratorNumber(p, 'maxValue');
    if (typeof value === 'number' && ((min !== undefined && value < min) || (max !== undefined && value > max))) out.push(`parameter ${name}: ${value} is outside [${min}, ${max}]`);
    scan(`parameter ${name}`, value);
    if (name === 'extraAppSettings' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [setting, v] of Object.entries(value)) {
        const cv = known.get(setting);
        if (!cv) out.push(`extraAppSettings.${setting} is not a variable of services/config.ts`);
        else if (cv.secret) out.push(`extraAppSettings.${setting} is a secret: pass it in extraSecrets on the command line`);
        else if (cv.azure === 'unused') out.push(`extraAppSettings.${setting} is marked unused on Azure`);
        if (managed.has(setting)) out.push(`extraAppSettings.${setting} is set by the template itself (the template's value wins)`);
        if (typeof v !== 'string') out.push(`extraAppSettings.${setting} must be a string (app settings are strings)`);
      }
    }
  }
  return out;
}

// ---- README ----

/** The text of `## <title>` up to the next `## ` heading. */
export function readmeSection(readme: string, title: string): string | undefined {
  const start = readme.search(new RegExp(`^## ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
  if (start < 0) return undefined;
  const rest = readme.slice(start + 3);
  const end = rest.search(/^## /m);
  return end < 0 ? readme.slice(start) : readme.slice(start, start + 3 + end);
}

/** Every `az deployment group create …` command in the fenced code blocks, continuation lines joined. */
export function deploymentCommands(section: string): string[] {
  const blocks = [...section.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  const commands: string[] = [];
  for (const block of blocks) {
    const joined = block.replace(/\\\n/g, ' ');
    for (const line of joined.split('\n')) if (/\baz deployment group create\b/.test(line)) commands.push(line.replace(/\s+#.*$/, ''));
  }
  return commands;
}

/**
 * The arguments of every call of the README's `deploy` shell function (which wraps the deployment
 * command and passes its arguments on), in code blocks or inline code.
 */
export function deployInvocations(section: string): string[] {
  const joined = section.replace(/\\\n/g, ' ');
  return [...joined.matchAll(/(?:^|`)[ \t]*deploy[ \t]+([^`\n]*)/gm)].map((m) => m[1]).filter((args) => !args.startsWith('()'));
}

/** `name=` arguments of a deployment command (camelCase names only: shell variables are upper case). */
export function parameterNamesIn(command: string): string[] {
  return [...command.matchAll(/(?:^|\s)([a-z][A-Za-z0-9]*)=/g)].map((m) => m[1]);
}

/**
 * The README's deployment steps against the template: the first `az deployment group create`
 * names the template and the parameters file and passes every parameter that has no default; no
 * deployment command passes a parameter the template does not declare.
 */
export function readmeProblems(section: string | undefined, file: BicepFile, paramsFile: string): string[] {
  if (section === undefined) return ['README has no "Deployment on Azure" section'];
  const out: string[] = [];
  const commands = deploymentCommands(section);
  if (commands.length === 0) return ['the deployment section has no az deployment group create command'];
  const first = commands[0];
  if (!/-f deploymentTemplates\/main\.bicep\b/.test(first)) out.push('the first deployment command does not use -f deploymentTemplates/main.bicep');
  if (!/-p deploymentTemplates\/main\.parameters\.json\b/.test(first)) out.push('the first deployment command does not use -p deploymentTemplates/main.parameters.json');
  let inFile: string[] = [];
  try {
    inFile = Object.keys((JSON.parse(paramsFile) as { parameters?: object }).parameters ?? {});
  } catch {
    /* reported by parametersFileProblems */
  }
  const passed = new Set(parameterNamesIn(first));
  for (const p of file.params) {
    if (p.default === undefined && !inFile.includes(p.name) && !passed.has(p.name)) out.push(`the deployment command does not pass ${p.name}, which has no default`);
  }
  const declared = new Set(file.params.map((p) => p.name));
  for (const c of [...commands, ...deployInvocations(section)]) {
    for (const n of parameterNamesIn(c)) if (!declared.has(n)) out.push(`a deployment command passes ${n}, which the template does not declare`);
  }
  return out;
}
