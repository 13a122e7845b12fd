/**
 * `npm run chat` — talk to a running LockerDesk from the terminal, with no other tool.
 *
 * It connects the way Bot Framework Emulator does: activities are POSTed to the bot's
 * `/api/messages`, and the bot's replies arrive at a small local "channel" server whose URL is
 * sent as `serviceUrl`. Works against a bot without Microsoft App credentials (local development).
 * Buttons and cards are shown as plain text; type a button's number to press it.
 *
 * Usage: npm run chat -- [--url http://localhost:3978] [--lang lt|en|ru]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { createInterface } from 'readline';
import { randomUUID } from 'crypto';
import axios from 'axios';
import { renderPlain, type PlainActivity } from './plainText';

interface Args {
  url: string;
  lang: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { url: 'http://localhost:3978', lang: 'lt' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--url') args.url = argv[++i] ?? args.url;
    else if (argv[i] === '--lang') args.lang = argv[++i] ?? args.lang;
  }
  return args;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const conversationId = `cli-${randomUUID()}`;
  let buttons: string[] = [];

  const channel = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && /\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
      try {
        const activity = JSON.parse(await readBody(req)) as PlainActivity;
        const rendered = renderPlain(activity);
        if (rendered) {
          buttons = rendered.buttons.length ? rendered.buttons : buttons;
          process.stdout.write(`\n${rendered.text}\n> `);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: randomUUID() }));
      } catch {
        res.writeHead(400);
        res.end();
      }
      return;
    }
    res.writeHead(404);
        res.end();
  });
  await new Promise<void>((resolve) => channel.listen(0, '127.0.0.1', resolve));
  const serviceUrl = `http://127.0.0.1:${(channel.address() as AddressInfo).port}`;
  const base = {
    channelId: 'emulator',
    serviceUrl,
    conversation: { id: conversationId },
    from: { id: 'cli-user', name: 'You', role: 'user' },
    recipient: { id: 'lockerdesk', name: 'LockerDesk', role: 'bot' },
    locale: args.lang,
  };
  const post = async (activity: Record<string, unknown>) => {
    try {
      await axios.post(`${args.url.replace(/\/$/, '')}/api/messages`, { ...base, id: randomUUID(), timestamp: new Date().toISOString(), ...activity }, { timeout: 30000 });
    } catch (err) {
      const status = axios.isAxiosError(err) ? (err.response?.status ?? err.code) : String(err);
      process.stdout.write(`\n[could not reach the bot at ${args.url}: ${status}. Is it running (npm start)?]\n> `);
    }
  };

  process.stdout.write(`LockerDesk chat — ${args.url} (type /quit to leave, a number to press a button)\n`);
  await post({ type: 'conversationUpdate', membersAdded: [{ id: 'cli-user', name: 'You' }] });
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/quit' || text === '/exit') break;
    const pressed = /^\d{1,2}$/.test(text) && buttons[Number(text) - 1];
    buttons = [];
    await post({ type: 'message', text: pressed || text });
  }
  rl.close();
  channel.close();
}

main().catch((err) => {
  console.error('chat:', err instanceof Error ? err.message : err);
  process.exit(1);
});
