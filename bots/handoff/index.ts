/** Hand-off to human agents: ownership middleware, the dialogs' gateway, relay, composition. The agent API is in `bots/http/agentApi.ts`. */
export * from './HandoffMiddleware';
export * from './BotHandoffGateway';
export * from './CustomerRelay';
export * from './runtime';
