/**
 * Shorter waits between the Bot Connector client's retries, for suites that send replies to
 * unreachable `serviceUrl`s on purpose (the `/api/messages` fuzz).
 *
 * botbuilder's connector client (`@azure/core-rest-pipeline`'s default retry policy) retries a
 * failed reply 3 times with an exponential back-off from 1 s, so every reply to a refused or
 * unresolvable address holds its turn — and the conversation's queue behind it — for 5–10 s of
 * idle waiting. This keeps the very same policy and the same 3 retries, with back-offs of a few
 * milliseconds: the bot sees the same attempts and the same final failure, only sooner.
 *
 * It patches `ConfigurationBotFrameworkAuthentication` in the suite's own module registry (jest
 * gives every test file its own), so only the suite that calls it is affected. Call it at the top
 * of the test file, before `buildApp`.
 */
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { defaultRetryPolicy, type Pipeline } from '@azure/core-rest-pipeline';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;

/** The retry count botbuilder's connector client uses (core-rest-pipeline's default). */
const CONNECTOR_RETRIES = 3;

export function shortConnectorBackoff(opts: { retryDelayInMs?: number; maxRetryDelayInMs?: number } = {}): void {
  const withShortBackoff = (factory: ConnectorFactory): ConnectorFactory => ({
    create: async (serviceUrl: string, audience?: string) => {
      const shortRetries = defaultRetryPolicy({ maxRetries: CONNECTOR_RETRIES, retryDelayInMs: opts.retryDelayInMs ?? 5, maxRetryDelayInMs: opts.maxRetryDelayInMs ?? 40 });
      const client = await factory.create(serviceUrl, audience);
      const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
      const policies = pipeline?.getOrderedPolicies().map((p) => p.name) ?? [];
      // Fail loudly if botbuilder's client is no longer built this way (the suite would only be slow).
      if (!pipeline || !policies.includes(shortRetries.name)) {
        throw new Error(`shortConnectorBackoff: the connector client has no ${shortRetries.name} to replace (policies: ${policies.join(', ')})`);
      }
      pipeline.removePolicy({ name: shortRetries.name });
      pipeline.addPolicy(shortRetries, { phase: 'Retry' });
      return client;
    },
  });
  const proto = ConfigurationBotFrameworkAuthentication.prototype;
  // Incoming turns get their factory from authenticateRequest, proactive ones from createConnectorFactory.
  const authenticateRequest = proto.authenticateRequest;
  proto.authenticateRequest = async function (this: ConfigurationBotFrameworkAuthentication, ...args: Parameters<typeof authenticateRequest>) {
    const result = await authenticateRequest.apply(this, args);
    return result.connectorFactory ? { ...result, connectorFactory: withShortBackoff(result.connectorFactory) } : result;
  };
  const createConnectorFactory = proto.createConnectorFactory;
  proto.createConnectorFactory = function (this: ConfigurationBotFrameworkAuthentication, ...args: Parameters<typeof createConnectorFactory>) {
    return withShortBackoff(createConnectorFactory.apply(this, args));
  };
}
