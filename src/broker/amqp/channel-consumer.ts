// A consumer on a channel (basic.consume): what the queue sees (QueueConsumer) and how deliveries
// become frames. Credit is basic.qos: the consumer's own prefetch-count (qos with global=false,
// RabbitMQ's per-consumer semantics) and the channel's shared one (global=true); 0 means no limit.
// no-ack consumers have no credit limit but pause while the socket is backed up.
import { encodeMethodFrame } from '../../amqp/index.js';
import type { ConsumerChannel } from './consumer-channel.js';
import type { AmqpQueue, Delivery, QueueConsumer } from './queue.js';

export class ChannelConsumer implements QueueConsumer {
  unacked = 0;
  cancelled = false;

  constructor(
    readonly channel: ConsumerChannel,
    readonly queue: AmqpQueue,
    readonly tag: string,
    readonly noAck: boolean,
    readonly exclusive: boolean,
    /** basic.qos prefetch-count with global=false when it was created (0: unlimited). */
    readonly prefetch: number,
    /** basic.consume x-priority (0 without). */
    readonly priority = 0,
  ) {}

  get member(): string {
    return this.channel.member;
  }

  live(): boolean {
    return !this.cancelled && this.channel.open && this.channel.flowActive;
  }

  credit(): number {
    if (!this.live() || this.channel.host.writeBlocked()) {
      if (this.channel.host.writeBlocked()) this.channel.host.onDrain(() => this.queue.pump());
      return 0;
    }
    if (this.noAck) return 256;
    const own = this.prefetch > 0 ? this.prefetch - this.unacked : Infinity;
    return Math.min(own, this.channel.channelCredit());
  }

  deliver(queue: AmqpQueue, deliveries: Delivery[]): void {
    const frames: Buffer[] = [];
    for (const d of deliveries) {
      const tag = this.channel.track(queue, d.message.offset, this);
      const m = d.message;
      frames.push(
        encodeMethodFrame(this.channel.id, { method: 'basic.deliver', consumerTag: this.tag, deliveryTag: tag, redelivered: d.deliveryCount > 1, exchange: m.exchange, routingKey: m.routingKey }),
        ...this.channel.contentFrames(m.properties, m.body),
      );
    }
    this.channel.host.sendFrames(frames);
  }
}
