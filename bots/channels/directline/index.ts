/**
 * The embedded Direct Line 3.0 endpoint (no Azure needed), its in-process bot side, and the web
 * page's token route (for it and for Azure's Direct Line). See `endpoint.ts` for how it is put together.
 */
export { registerDirectLine, type DirectLineEndpoint, type DirectLineOptions } from './endpoint';
export { DirectLineCloudAdapter, EMBEDDED_DIRECT_LINE_SERVICE_URL, isEmbeddedDirectLine, type DirectLineBotSide } from './delivery';
export type { AttachmentReader, DirectLineTokenReply, UploadedFile } from './conversations';
export { DirectLineKeys, VisitorIds } from './auth';
export { ConversationQuota, type ConversationQuotaOptions, type Rate } from './quota';
export { OriginPolicy, serverOrigins } from './origins';
export { registerTokenExchange, type TokenExchangeOptions, type TokenExchangeReply } from './tokenExchange';
export { InMemoryDirectLineStore, DirectLineStoreUnavailable, type DirectLineStore, type InMemoryDirectLineStoreOptions, type ConversationRecord } from './store';
export { RedisDirectLineStore, type RedisDirectLineStoreOptions } from './redisStore';
export type { ClientActivity } from './shaping';
export { DirectLineHttpError } from './http';
