// LockerDesk on Azure: App Service (Linux, Node, several instances), Azure Bot (Web Chat, Direct Line,
// optionally Facebook), Azure Cache for Redis (shared state of the instances), Key Vault (every
// secret), Log Analytics + Application Insights (the JSON logs), optionally Azure AI Language (CLU).
//
// One template and one parameters file for every environment: what differs between environments is
// passed with `-p name=value` (see README, "Deployment on Azure"). Secrets are `@secure()` parameters
// or read from the resources themselves (`listKeys()`, `listChannelWithKeys()`), written to Key Vault,
// and reach the app only as Key Vault references; none is in the parameters file or an output.
// test/deploymentTemplates/template.test.ts checks this file against services/config.ts.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------

@description('Region of every resource except the bot (Azure Bot is global).')
param location string = resourceGroup().location

@description('Short lowercase name (letters and digits) that starts every resource name; a hash of the resource group makes names unique.')
@minLength(3)
@maxLength(10)
param namePrefix string = 'lockerdesk'

@description('Tags on every resource.')
param tags object = {
  app: 'lockerdesk'
}

@description('App Service runtime. Node 20 is what the project is tested on; switch to 22 when CI does.')
@allowed([
  'NODE|20-lts'
  'NODE|22-lts'
])
param nodeVersion string = 'NODE|20-lts'

@description('App Service plan size (Always On and health check need Standard or Premium).')
@allowed([
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param appServicePlanSku string = 'P0v3'

@description('Instances of the web app. At least two: a restart, a platform update or a health-check replacement never leaves the bot without an instance.')
@minValue(2)
@maxValue(30)
param instanceCount int = 2

@description('Failed readiness probes (one a minute) before App Service takes an instance out of the load balancer.')
@minValue(2)
@maxValue(10)
param healthCheckMaxPingFailures int = 5

@description('Public https base URL without a trailing slash when a custom domain fronts the app; empty = the web app\'s own https://<name>.azurewebsites.net.')
param publicUrl string = ''

@description('Bot identity: SingleTenant or MultiTenant (an Entra app registration with a client secret), or UserAssignedMSI (a managed identity this template creates; no secret at all). Azure Bot no longer accepts new MultiTenant bots.')
@allowed([
  'SingleTenant'
  'MultiTenant'
  'UserAssignedMSI'
])
param botAppType string = 'SingleTenant'

@description('Application (client) id of the Entra app registration; ignored for UserAssignedMSI.')
param microsoftAppId string = ''

@description('Client secret of that app registration; ignored for UserAssignedMSI.')
@secure()
param microsoftAppPassword string = ''

@description('Tenant of the app registration (SingleTenant); defaults to the deployment\'s tenant.')
param microsoftAppTenantId string = tenant().tenantId

@description('Azure Bot pricing tier; Direct Line and Web Chat are premium channels, F0 caps their messages.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'S1'

@description('Exact origins (https://www.example.lt) of the pages that embed the chat widget. The web app\'s own origin is always added.')
@minLength(1)
param directLineAllowedOrigins array

@description('Direct Line enhanced authentication: tokens bound to a dl_ user id and to the trusted origins; the secret stays on the server.')
param directLineEnhancedAuth bool = true

@description('Which Direct Line site key the app uses; switch when rotating (README, "Rotating secrets").')
@allowed([
  'key1'
  'key2'
])
param directLineKeyInUse string = 'key1'

@description('Connect a Facebook page through Azure Bot\'s Facebook channel.')
param enableFacebook bool = false

@description('Meta app id (Facebook channel).')
param facebookAppId string = ''

@description('Facebook page id (Facebook channel).')
param facebookPageId string = ''

@description('Meta app secret (Facebook channel).')
@secure()
param facebookAppSecret string = ''

@description('Page access token (Facebook channel).')
@secure()
param facebookPageAccessToken string = ''

@description('Azure Cache for Redis tier: Standard (replicated, SLA) or Premium; Basic has no replica and no SLA.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param redisSkuName string = 'Standard'

@description('Cache size: C0-C6 for Basic/Standard, P1-P5 for Premium (README, "Scaling out").')
@minValue(0)
@maxValue(6)
param redisCapacity int = 1

@description('Enabled: reachable over the internet, TLS 1.2 on port 6380 and the access key only. Disabled needs a private endpoint and VNet integration of the app, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param redisPublicNetworkAccess string = 'Enabled'

@description('Which Redis access key REDIS_URL carries; switch when rotating (README, "Rotating secrets").')
@allowed([
  'Primary'
  'Secondary'
])
param redisKeyInUse string = 'Primary'

@description('Base URL of the carrier API (services/carrier/openapi.yaml).')
param carrierApiUrl string

@description('Carrier API key (sent as Authorization: Bearer).')
@secure()
param carrierApiKey string

@description('Bearer token GET /metrics requires (openssl rand -base64 32).')
@secure()
@minLength(32)
param metricsToken string

@description('Signing key of widget tokens and visitor ids, shared by every instance (openssl rand -base64 32).')
@secure()
@minLength(32)
param directLineTokenKey string

@description('AGENTS: JSON array of {id, name, role, passwordHash}; hashes from npm run agent:hash.')
@secure()
@minLength(2)
param agents string

@description('Create an Azure AI Language resource for CLU.')
param deployLanguage bool = false

@description('Azure AI Language pricing tier.')
@allowed([
  'F0'
  'S'
])
param languageSku string = 'S'

@description('CLU project name; with cluDeploymentName (and deployLanguage) the bot uses RECOGNIZER=clu.')
param cluProjectName string = ''

@description('CLU deployment name.')
param cluDeploymentName string = ''

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Key Vault purge protection (deleted secrets recoverable for 90 days; cannot be turned off again).')
param keyVaultPurgeProtection bool = true

@description('Object id of a person or group who may read and set the vault\'s secrets (Key Vault Secrets Officer); empty = nobody.')
param secretsOfficerPrincipalId string = ''

@description('Further non-secret variables of services/config.ts (README\'s configuration table), e.g. {"LOG_LEVEL": "info"}. The template\'s own settings win.')
param extraAppSettings object = {}

@description('Further secret variables of services/config.ts, e.g. {"AGENT_WEBHOOK_URL": "https://..."}: stored in Key Vault, referenced by the app.')
@secure()
param extraSecrets object = {}

// ---------------------------------------------------------------------------------------------------
// Names and derived values
// ---------------------------------------------------------------------------------------------------

var suffix = uniqueString(resourceGroup().id)
var baseName = '${namePrefix}-${suffix}'
var keyVaultName = take('kv${namePrefix}${suffix}', 24)
var isMsi = botAppType == 'UserAssignedMSI'
var useClu = deployLanguage && !empty(cluProjectName) && !empty(cluDeploymentName)
var appUrl = empty(publicUrl) ? 'https://${webApp.properties.defaultHostName}' : publicUrl
var messagingEndpoint = '${appUrl}/api/messages'
var widgetOrigins = union(directLineAllowedOrigins, [appUrl])
var botAppId = isMsi ? botIdentity!.properties.clientId : microsoftAppId
var botTenantId = isMsi ? botIdentity!.properties.tenantId : microsoftAppTenantId

var webAppIdentityOwn = {
  type: 'SystemAssigned'
}
var webAppIdentityWithBot = {
  type: 'SystemAssigned, UserAssigned'
  userAssignedIdentities: {
    '${botIdentity!.id}': {}
  }
}

// Built-in role: Key Vault Secrets User (read secret values) and Key Vault Secrets Officer (manage them).
var keyVaultSecretsUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var keyVaultSecretsOfficerRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')

// ---------------------------------------------------------------------------------------------------
// Logs: every instance's stdout (pino JSON lines) lands in the workspace as AppServiceConsoleLogs
// ---------------------------------------------------------------------------------------------------

resource logs 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: 'log-${baseName}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    IngestionMode: 'LogAnalytics'
  }
}

// ---------------------------------------------------------------------------------------------------
// Key Vault (RBAC): the only place secrets are stored
// ---------------------------------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: keyVaultPurgeProtection ? true : null
    // App Service without VNet integration reaches the vault over its public endpoint; access is by
    // Entra identity and RBAC only.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(keyVault.id, secretsOfficerPrincipalId, keyVaultSecretsOfficerRole)
  scope: keyVault
  properties: {
    roleDefinitionId: keyVaultSecretsOfficerRole
    principalId: secretsOfficerPrincipalId
  }
}

resource keyVaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: keyVault
  properties: {
    workspaceId: logs.id
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------------
// Azure Cache for Redis: conversations, cases, queue, sessions and the event bus of every instance
// ---------------------------------------------------------------------------------------------------

resource redis 'Microsoft.Cache/redis@2024-11-01' = {
  name: 'redis-${baseName}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: redisSkuName
      family: redisSkuName == 'Premium' ? 'P' : 'C'
      capacity: redisCapacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: redisPublicNetworkAccess
    redisConfiguration: {
      // Bot state and cases must never be evicted to make room: fail writes instead, visibly.
      'maxmemory-policy': 'noeviction'
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// App Service: Linux plan and web app
// ---------------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: 'plan-${baseName}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServicePlanSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

// The bot's identity when botAppType is UserAssignedMSI: Azure Bot and the web app share it.
resource botIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = if (isMsi) {
  name: 'id-bot-${baseName}'
  location: location
  tags: tags
}

resource webApp 'Microsoft.Web/sites@2024-11-01' = {
  name: 'app-${baseName}'
  location: location
  tags: tags
  kind: 'app,linux'
  // The system-assigned identity reads Key Vault; the user-assigned one (MSI bots) talks to Bot Framework.
  identity: isMsi ? webAppIdentityWithBot : webAppIdentityOwn
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No sticky sessions: any instance serves any request or WebSocket, the state is in Redis.
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: 'SystemAssigned'
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      linuxFxVersion: nodeVersion
      // The V8 heap flags of `npm start` (package.json): a 4 MiB semi-space (young generation) and a
      // 1 GiB old-generation limit make V8 keep the heap close to what is live instead of growing
      // it to what a burst of turns once needed (README, Performance: RSS idle and with 1,000 live
      // conversations). The limit leaves room for the in-memory stores' bounds; with Redis the heap
      // stays far below it.
      appCommandLine: 'node --max-semi-space-size=4 --max-old-space-size=1024 dist/index.js'
      alwaysOn: true
      // The widget's Direct Line stream and the agent console's live updates.
      webSocketsEnabled: true
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      remoteDebuggingEnabled: false
      // Readiness, not liveness: App Service takes an instance out of the load balancer (and replaces
      // it after an hour) when the probe fails, and that is right for an instance that cannot reach
      // Redis or the carrier API while others can, and for one that is draining after SIGTERM
      // (/readyz says 503 at once). A shared outage fails every instance alike; App Service then
      // removes at most half of them (WEBSITE_HEALTHCHECK_MAXUNHEALTHYWORKERPERCENT, default 50).
      // /healthz (process liveness) would only catch a dead process, which App Service restarts anyway.
      healthCheckPath: '/readyz'
    }
  }
}

// Deployments use Entra ID (az webapp deploy with az login), never FTP or basic-auth publishing credentials.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource webAppSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, webApp.id, keyVaultSecretsUserRole)
  scope: keyVault
  properties: {
    roleDefinitionId: keyVaultSecretsUserRole
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logs.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
      {
        category: 'AppServiceAuditLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------------
// Azure Bot and its channels
// ---------------------------------------------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${baseName}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'LockerDesk'
    endpoint: messagingEndpoint
    msaAppId: botAppId
    msaAppType: botAppType
    msaAppTenantId: botAppType == 'MultiTenant' ? null : botTenantId
    msaAppMSIResourceId: isMsi ? botIdentity!.id : null
    publicNetworkAccess: 'Enabled'
    schemaTransformationVersion: '1.3'
  }
}

resource webChatChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'WebChatChannel'
  location: 'global'
  properties: {
    channelName: 'WebChatChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: true
          isWebchatPreviewEnabled: false
        }
      ]
    }
  }
}

resource directLineChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'LockerDesk widget'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: directLineEnhancedAuth
          trustedOrigins: directLineEnhancedAuth ? filter(widgetOrigins, origin => origin != '*') : []
          isBlockUserUploadEnabled: false
        }
      ]
    }
  }
}

resource facebookChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = if (enableFacebook) {
  parent: bot
  name: 'FacebookChannel'
  location: 'global'
  properties: {
    channelName: 'FacebookChannel'
    properties: {
      appId: facebookAppId
      appSecret: facebookAppSecret
      pages: [
        {
          id: facebookPageId
          accessToken: facebookPageAccessToken
        }
      ]
      isEnabled: true
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Azure AI Language (optional): CLU
// ---------------------------------------------------------------------------------------------------

resource language 'Microsoft.CognitiveServices/accounts@2025-06-01' = if (deployLanguage) {
  name: 'lang-${baseName}'
  location: location
  tags: tags
  kind: 'TextAnalytics'
  sku: {
    name: languageSku
  }
  properties: {
    customSubDomainName: 'lang-${baseName}'
    publicNetworkAccess: 'Enabled'
  }
}

// ---------------------------------------------------------------------------------------------------
// Secrets in Key Vault (names: letters, digits and dashes)
// ---------------------------------------------------------------------------------------------------

resource secretAppPassword 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!isMsi) {
  parent: keyVault
  name: 'MicrosoftAppPassword'
  properties: {
    value: microsoftAppPassword
  }
}

// The Direct Line site's key, read from the channel itself. The response's channel properties are a
// discriminated union the type checker cannot narrow, hence any().
resource secretDirectLine 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: 'DIRECTLINE-SECRET'
  properties: {
    value: any(directLineChannel.listChannelWithKeys()).properties.properties.sites[0][directLineKeyInUse == 'key1' ? 'key' : 'key2']
  }
}

// rediss:// with the access key as password (URL-encoded: keys contain '/', '+' and '=').
resource secretRedisUrl 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: 'REDIS-URL'
  properties: {
    value: 'rediss://:${uriComponent(redisKeyInUse == 'Primary' ? redis.listKeys().primaryKey : redis.listKeys().secondaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}'
  }
}

resource secretTokenKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: 'DIRECTLINE-TOKEN-KEY'
  properties: {
    value: directLineTokenKey
  }
}

resource secretCarrierKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: 'CARRIER-API-KEY'
  properties: {
    value: carrierApiKey
  }
}

resource secretMetricsToken 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: 'METRICS-TOKEN'
  properties: {
    value: metricsToken
  }
}

resource secretAgents 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: 'AGENTS'
  properties: {
    value: agents
  }
}

resource secretCluKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (useClu) {
  parent: keyVault
  name: 'CLU-KEY'
  properties: {
    value: language!.listKeys().key1
  }
}

resource extraSecretValues 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = [for entry in items(extraSecrets): {
  parent: keyVault
  name: 'extra-${replace(entry.key, '_', '-')}'
  properties: {
    value: entry.value
  }
}]

// ---------------------------------------------------------------------------------------------------
// App settings: every variable services/config.ts marks `azure: required`, and the optional ones
// this deployment decides. Secrets are references to exact secret versions, so a changed secret
// (a rotation, a new parameter value) changes the setting and restarts the app with it at once.
// This resource replaces the whole set: settings added by hand in the portal do not survive it.
// ---------------------------------------------------------------------------------------------------

var templateSettings = {
  PUBLIC_URL: appUrl
  METRICS_TOKEN: '@Microsoft.KeyVault(SecretUri=${secretMetricsToken.properties.secretUriWithVersion})'
  MicrosoftAppId: botAppId
  MicrosoftAppType: botAppType
  CARRIER_API_URL: carrierApiUrl
  CARRIER_API_KEY: '@Microsoft.KeyVault(SecretUri=${secretCarrierKey.properties.secretUriWithVersion})'
  DIRECTLINE_SECRET: '@Microsoft.KeyVault(SecretUri=${secretDirectLine.properties.secretUriWithVersion})'
  DIRECTLINE_ALLOWED_ORIGINS: join(widgetOrigins, ',')
  DIRECTLINE_TOKEN_KEY: '@Microsoft.KeyVault(SecretUri=${secretTokenKey.properties.secretUriWithVersion})'
  REDIS_URL: '@Microsoft.KeyVault(SecretUri=${secretRedisUrl.properties.secretUriWithVersion})'
  AGENTS: '@Microsoft.KeyVault(SecretUri=${secretAgents.properties.secretUriWithVersion})'
  // App Service's front ends reach the app from private and link-local addresses and append the client to X-Forwarded-For.
  TRUSTED_PROXIES: 'private'
  // App Service's own settings (not LockerDesk configuration).
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  ApplicationInsightsAgent_EXTENSION_VERSION: '~3'
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
  WEBSITE_HEALTHCHECK_MAXPINGFAILURES: string(healthCheckMaxPingFailures)
}

var botPasswordSetting = {
  MicrosoftAppPassword: '@Microsoft.KeyVault(SecretUri=${secretAppPassword!.properties.secretUriWithVersion})'
}
var botTenantSetting = {
  MicrosoftAppTenantId: botTenantId
}
var cluSettings = {
  RECOGNIZER: 'clu'
  CLU_ENDPOINT: language!.properties.endpoint
  CLU_KEY: '@Microsoft.KeyVault(SecretUri=${secretCluKey!.properties.secretUriWithVersion})'
  CLU_PROJECT: cluProjectName
  CLU_DEPLOYMENT: cluDeploymentName
}

// Referenced by vault and name (a loop's resources cannot be indexed inside a lambda): the latest
// version, which App Service re-reads within 24 hours or at the next change of the settings.
var extraSecretSettings = toObject(items(extraSecrets), entry => entry.key, entry => '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=extra-${replace(entry.key, '_', '-')})')

resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: webApp
  name: 'appsettings'
  // Later objects win: the template's own settings cannot be overridden by the extra ones.
  properties: union(extraAppSettings, extraSecretSettings, templateSettings, isMsi ? {} : botPasswordSetting, botAppType == 'MultiTenant' ? {} : botTenantSetting, useClu ? cluSettings : {})
  dependsOn: [
    // The references resolve only once the app's identity may read the vault.
    webAppSecretsUser
    extraSecretValues
  ]
}

// ---------------------------------------------------------------------------------------------------
// Outputs (no secrets)
// ---------------------------------------------------------------------------------------------------

output webAppUrl string = appUrl
output webAppName string = webApp.name
output botName string = bot.name
output messagingEndpoint string = messagingEndpoint
output keyVaultName string = keyVault.name
output redisName string = redis.name
output logAnalyticsWorkspaceName string = logs.name
