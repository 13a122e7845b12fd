/**
 * Table-driven dialog tests, the core-bot sample's `bookingDialogTestCases` idea: each case is the
 * options a dialog begins with, what the customer writes step by step with the message keys the bot
 * must answer, and the result the dialog ends with. Every table runs in lt, en and ru.
 */
import type { Dialog } from 'botbuilder-dialogs';
import { LANGS, type Lang } from '../../services/i18n/langs';
import type { CarrierApi } from '../../services/carrier/types';
import type { InMemoryCarrier } from '../../services/carrier/sandbox/InMemoryCarrier';
import type { DialogDeps, HandoffGateway } from '../../dialogs/deps';
import { DialogTestClient, dialogWorld, type DialogWorld, type WorldOverrides } from '../support/dialogTestClient';
import { expectKeys, texts, type Reply } from '../support/messages';
import type { ScriptLine } from '../support/scriptedRecognizer';
import { LINES, type Lines } from './testData';

/** What the customer writes: literal text, or text that depends on the world (a locker's name). */
export type Say = string | ((w: DialogWorld) => string);

export type DialogStep =
  /** A message and the message keys that must be among the replies. */
  | [Say, string[]]
  /** Time passes (minutes) before the next message. */
  | { wait: number };

export interface CaseContext<O extends object> {
  world: DialogWorld;
  client: DialogTestClient<O>;
  lang: Lang;
  /** Replies per message step, in order. */
  replies: Reply[][];
}

export interface DialogCase<O extends object> {
  name: string;
  options: O;
  steps: DialogStep[];
  /** The dialog's result after the last step (it must have ended); `'waiting'` when it still waits for an answer. */
  result: unknown;
  /** Intents of messages (entities are extracted for real). */
  script?: ScriptLine[];
  channelId?: string;
  /** World settings of this case (proof limits, lookup limit). */
  world?: Omit<WorldOverrides, 'handoff' | 'carrier'>;
  check?: (c: CaseContext<O>) => void | Promise<void>;
}

export interface TableOptions {
  handoff?: () => HandoffGateway;
  carrier?: (inner: InMemoryCarrier) => CarrierApi;
}

/** The code the sandbox just texted to `phone`, as the customer types it back. */
export const codeTo = (phone: string, shape: (code: string) => string = (c) => c) => (w: DialogWorld) => shape(w.lastCode(phone));

/** A 6-digit code that is not the one just texted to `phone` (a wrong guess). */
export const wrongCodeFor = (phone: string) => (w: DialogWorld) => {
  const code = w.lastCode(phone);
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
};

/** The name of a seeded locker, as its button says it. */
export const lockerName = (id: string) => (w: DialogWorld) => {
  const locker = w.lockers.get(id);
  if (!locker) throw new Error(`lockerName(): no locker ${id}`);
  return locker.name;
};

/** Runs `cases(L, lang)` against a fresh `make(deps)` dialog per case, in every language. */
export function dialogTable<O extends object>(title: string, make: (deps: DialogDeps) => Dialog, cases: (L: Lines, lang: Lang) => DialogCase<O>[], options: TableOptions = {}): void {
  describe.each(LANGS.map((l) => [l]))(`${title} in %s`, (lang: Lang) => {
    for (const c of cases(LINES[lang], lang)) {
      test(c.name, async () => {
        const world = await dialogWorld({ ...c.world, handoff: options.handoff?.(), carrier: options.carrier });
        const client = new DialogTestClient(make(world.deps), c.options, world, { lang, script: c.script, channelId: c.channelId });
        const replies: Reply[][] = [];
        for (const step of c.steps) {
          if (!Array.isArray(step)) {
            world.advance(step.wait * 60_000);
            continue;
          }
          const [say, keys] = step;
          const got = await client.send(typeof say === 'string' ? say : say(world));
          expectKeys(world.messages, lang, got, keys);
          replies.push(got);
        }
        if (c.result === 'waiting') {
          if (!client.waiting) throw new Error(`expected the dialog to wait; it ended with ${JSON.stringify(client.result)}; last replies:\n${texts(replies[replies.length - 1] ?? [])}`);
        } else {
          expect(client.waiting).toBe(false);
          expect(client.result).toEqual(c.result);
        }
        await c.check?.({ world, client, lang, replies });
      });
    }
  });
}
