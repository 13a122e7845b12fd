/**
 * The few values this bot takes from botbuilder-dialogs, imported from their own modules: the
 * package's index also loads every built-in prompt and, with them, the Microsoft Recognizers-Text
 * number, choice and date-time models (about 75 MB of resident memory and a second of start-up),
 * which LockerDesk never uses — its prompts are `SlotPrompt`s on its own recognizer.
 * Types may still come from 'botbuilder-dialogs' (`import type`, erased at compile time).
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { Dialog, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
