/**
 * `EventBus` over Redis pub/sub: publishing on the shared connection, receiving on a dedicated
 * subscriber connection (a subscribed connection cannot run other commands). Redis delivers a
 * channel's messages in the order it received them, so events stay in order between instances.
 * Pub/sub does not keep messages for an absent subscriber: after the subscriber reconnects the
 * bus emits a local `bus.resync` so consoles reload from the persisted transcript.
 *
 * Cluster: the channel is hash-tagged like the hand-off keys; classic PUBLISH reaches every node.
 */
import { randomUUID } from 'crypto';
import { Fanout, type EventBus, type EventBusOptions, type EventHandler, type HandoffEvent, type Unsubscribe } from './EventBus';
import { isCluster, type RedisClient } from '../state/redisClient';

export interface RedisEventBusOptions extends EventBusOptions {
  /** Default `ld:`; the channel is `<prefix>{handoff}:events`. */
  prefix?: string;
}

export class RedisEventBus implements EventBus {
  private readonly channel: string;
  private readonly instanceId: string;
  private readonly fanout: Fanout;
  private subscriber?: Promise<RedisClient>;
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    opts: RedisEventBusOptions = {},
  ) {
    this.channel = `${opts.prefix ?? 'ld:'}{handoff}:events`;
    this.instanceId = opts.instanceId ?? randomUUID();
    this.fanout = new Fanout(opts.onError ?? (() => undefined));
  }

  async publish(event: HandoffEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ ...event, origin: event.origin ?? this.instanceId }));
  }

  async subscribe(handler: EventHandler): Promise<Unsubscribe> {
    if (this.closed) throw new Error('RedisEventBus.subscribe(): the bus is closed');
    const remove = this.fanout.add(handler);
    try {
      await (this.subscriber ??= this.openSubscriber());
    } catch (err) {
      remove();
      this.subscriber = undefined;
      throw new Error(`RedisEventBus.subscribe(): cannot subscribe to ${this.channel}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return async () => remove();
  }

  async close(): Promise<void> {
    this.closed = true;
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) {
      const client = await sub.catch(() => undefined);
      client?.disconnect();
    }
  }

  private async openSubscriber(): Promise<RedisClient> {
    const sub: RedisClient = isCluster(this.redis) ? this.redis.duplicate() : this.redis.duplicate();
    sub.on('error', () => undefined);
    if (sub.status === 'wait') await sub.connect();
    let wasDown = false;
    sub.on('close', () => {
      wasDown = true;
    });
    sub.on('ready', () => {
      if (!wasDown) return;
      wasDown = false;
      this.fanout.deliver({ type: 'bus.resync', at: new Date().toISOString(), origin: this.instanceId });
    });
    sub.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let event: HandoffEvent;
      try {
        event = JSON.parse(message) as HandoffEvent;
      } catch {
        return;
      }
      this.fanout.deliver(event);
    });
    await sub.subscribe(this.channel);
    return sub;
  }
}
