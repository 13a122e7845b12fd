/**
 * Property names of the bot's state in storage. They are part of the stored data: renaming one
 * forgets what existing conversations and customers have saved under it.
 */
/** User state: the customer's preferences (`UserData`). */
export const USER_PROPERTY = 'profile';
/** Conversation state: bookkeeping and proven facts (`ConversationData`). */
export const CONVERSATION_PROPERTY = 'flags';
/** Noted values (their own store, one-hour expiry): what the customer wrote (`NotedData`). */
export const NOTED_PROPERTY = 'noted';
/** Conversation state: the dialog stack. */
export const DIALOG_STATE_PROPERTY = 'dialogState';
