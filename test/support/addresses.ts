/**
 * A non-loopback address of this machine: connecting to it from here makes the server see a
 * remote peer (not 127.0.0.1), which is how tests play an attacker on the network without leaving
 * the machine. Undefined when the machine has no such interface (tests then fall back to a proxy
 * header, which the server also treats as not loopback).
 */
import { networkInterfaces } from 'os';

export function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (!i.internal && i.family === 'IPv4') return i.address;
  }
  return undefined;
}

/** How a test reaches `url` (http://127.0.0.1:port) as a remote client: base URL and extra headers. */
export function asRemoteClient(url: string): { base: string; headers: Record<string, string> } {
  const address = nonLoopbackAddress();
  const u = new URL(url);
  return address ? { base: `http://${address}:${u.port}`, headers: {} } : { base: url, headers: { 'x-forwarded-for': '203.0.113.7' } };
}
