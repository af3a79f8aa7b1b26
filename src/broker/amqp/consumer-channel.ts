// What a consumer (channel-consumer.ts, stream-consumer.ts) needs of its channel; channel.ts
// implements it. Kept apart so that consumers, queues and channels do not import one another
// (the import graph stays acyclic, type imports included).
import type { AmqpQueue } from './queue.js';
import type { ChannelHost } from './session.js';

/** A consumer's share of basic.qos credit: deliveries it holds unacknowledged. */
export interface CreditHolder {
  unacked: number;
  readonly noAck?: boolean;
}

export interface ConsumerChannel {
  readonly id: number;
  readonly open: boolean;
  readonly flowActive: boolean;
  readonly host: ChannelHost;
  /** The queue engine member owning this channel's acquisitions. */
  readonly member: string;
  /** Deliveries the channel may still hand out under a global basic.qos (Infinity without one). */
  channelCredit(): number;
  /**
   * Allocates the next delivery tag and, unless no-ack, remembers what it holds; `now` is when the
   * delivery goes out (read by the channel when not given).
   */
  track(queue: AmqpQueue | null, offset: number, consumer: CreditHolder | null, now?: number): number;
  /** Marks a tracked delivery as a stream queue's (its acknowledgement only returns credit). */
  markStreamDelivery(tag: number, stream: CreditHolder): void;
  /** The server cancels a consumer of this channel (its queue was deleted). */
  serverCancel(consumer: { readonly tag: string; cancelled: boolean }): void;
  /** A message's content header and body frames for this channel. */
  contentFrames(properties: Buffer, body: Buffer): Buffer[];
}
