/**
 * One ConnectorClient per (bot app id, service URL, audience) and one UserTokenClient per app id,
 * reused across turns. CloudAdapter builds both anew for every turn: a ConnectorClient is an
 * @azure/core-client ServiceClient with its own request pipeline (a dozen policies, serializers),
 * and the profile of a LockerDesk turn showed their construction among its largest single costs
 * (issue 13). The clients hold no per-turn state: the credentials inside cache and refresh their
 * own tokens, so sharing them between concurrent turns is what the SDK's clients are built for.
 *
 * Bounded: at most `max` connector clients (oldest dropped first). With authentication on, the
 * service URL comes from a signed activity; without it (the Emulator, tests, the embedded defaults)
 * anyone can name one, and the bound keeps that from growing memory.
 */
import {
  AuthenticationConstants,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';

/** Default bound of cached connector clients. */
export const CONNECTOR_CLIENTS_MAX = 256;

/** A factory that hands out the cached client for a service URL, creating it with `inner` once. */
class CachingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly cache: BoundedCache<Promise<ConnectorClient>>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${this.appId}\n${serviceUrl}\n${audience ?? ''}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const created = this.inner.create(serviceUrl, audience);
    this.cache.set(key, created);
    // A failed creation is not kept: the next turn tries again.
    created.catch(() => this.cache.delete(key, created));
    return created;
  }
}

/** Insertion-ordered Map with a size bound; `get` refreshes an entry's place. */
class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string, value: V): void {
    if (this.map.get(key) === value) this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * `ConfigurationBotFrameworkAuthentication` whose connector factories share one bounded client
 * cache, and whose user-token clients are made once per app id. Authentication itself (JWT
 * validation, the allowed callers, the channel service) is the SDK's, unchanged.
 */
export class CachingBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors: BoundedCache<Promise<ConnectorClient>>;
  private readonly userTokens = new Map<string, Promise<UserTokenClient>>();

  constructor(options: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0], { max = CONNECTOR_CLIENTS_MAX }: { max?: number } = {}) {
    super(options);
    this.connectors = new BoundedCache(max);
  }

  /** Connector clients held now (for tests). */
  get cachedConnectorClients(): number {
    return this.connectors.size;
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.cachingResult(await super.authenticateRequest(activity, authHeader));
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.cachingResult(await super.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new CachingConnectorFactory(super.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity), this.connectors);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    // The app ids a bot acts as are its own (and its skills'), a handful: no bound needed.
    const appId = appIdOf(claimsIdentity);
    const cached = this.userTokens.get(appId);
    if (cached) return cached;
    const created = super.createUserTokenClient(claimsIdentity);
    this.userTokens.set(appId, created);
    created.catch(() => this.userTokens.get(appId) === created && this.userTokens.delete(appId));
    return created;
  }

  private cachingResult(result: AuthenticateRequestResult): AuthenticateRequestResult {
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: new CachingConnectorFactory(result.connectorFactory, appIdOf(result.claimsIdentity), this.connectors) };
  }
}

/**
 * The app id whose credentials the SDK gives this identity's clients: the token's audience (a
 * channel's token is addressed to the bot), else its `appid` claim (the Emulator), as in
 * botframework-connector's ParameterizedBotFrameworkAuthentication. The caller's own id
 * (`getAppIdFromClaims`) would be the wrong key: two bots called by the same caller share it.
 */
function appIdOf(identity: ClaimsIdentity | undefined): string {
  if (!identity) return '';
  return identity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? identity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}
