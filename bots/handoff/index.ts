/** Hand-off to human agents: ownership middleware, the dialogs' gateway, relay, agent API, composition. */
export * from './HandoffMiddleware';
export * from './BotHandoffGateway';
export * from './CustomerRelay';
export * from './agentApi';
export * from './runtime';
