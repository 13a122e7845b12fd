/** Embedded Direct Line 3.0 endpoint, the CloudAdapter bridge to it, and the web page's token exchange. */
export { registerDirectLine, type DeliverToBot, type DirectLineEndpoint, type DirectLineOptions, type DirectLineTokenReply } from './directLineEndpoint';
export { cloudAdapterDelivery } from './cloudAdapterDelivery';
export { registerTokenExchange, type TokenExchangeOptions, type TokenExchangeReply } from './tokenExchange';
export { InMemoryDirectLineStore, type DirectLineStore, type InMemoryDirectLineStoreOptions, type StoredActivity, type ConversationRecord } from './store';
export { DirectLineHttpError } from './http';
export type { DirectLineLogger } from './logger';
