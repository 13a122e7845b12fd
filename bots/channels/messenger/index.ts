/** Facebook Messenger: direct-mode adapter and webhook, and rendering rules for both modes. */
export * from './MessengerAdapter';
export * from './messengerWebhook';
export * from './messengerEvents';
export * from './facebookRendering';
export * from './FacebookRenderingMiddleware';
export * from './seenEvents';
