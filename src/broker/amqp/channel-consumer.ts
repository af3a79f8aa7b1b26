// A consumer on a channel (basic.consume): what the queue sees (QueueConsumer) and how deliveries
// become frames. Credit is basic.qos: the consumer's own prefetch-count (qos with global=false,
// RabbitMQ's per-consumer semantics) and the channel's shared one (global=true); 0 means no limit.
// no-ack consumers have no credit limit but pause while the socket is backed up.
import { bodyFrames, bodyFramesSize, deliverFieldsFit, deliverHeadSize, encodeMethodFrame, writeBodyFrames, writeDeliverHead } from '../../amqp/index.js';
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

  /** The consumer tag as bytes (written into every basic.deliver). */
  private tagBytes: Buffer | null = null;

  /**
   * One delivery turn: every message's basic.deliver, content header and body frames go into one
   * buffer (bodies over INLINE_BODY_BYTES are sent as views, not copied), handed to the connection
   * as one write. Routing fields and properties are copied as stored (delivery-frames.ts).
   */
  deliver(queue: AmqpQueue, deliveries: Delivery[]): void {
    const ch = this.channel;
    const tagBytes = (this.tagBytes ??= Buffer.from(this.tag, 'utf8'));
    const frameMax = ch.host.frameMax;
    let size = 0;
    for (const d of deliveries) {
      const m = d.message;
      if (!deliverFieldsFit(tagBytes, m.exchangeBytes, m.routingKeyBytes)) {
        this.deliverOneByOne(queue, deliveries);
        return;
      }
      size += deliverHeadSize(tagBytes, m.exchangeBytes, m.routingKeyBytes, m.properties);
      if (m.body.length <= INLINE_BODY_BYTES) size += bodyFramesSize(m.body.length, frameMax);
    }
    const buf = Buffer.allocUnsafe(size);
    const frames: Buffer[] = [];
    let pos = 0;
    let from = 0;
    const now = ch.host.now();
    for (const d of deliveries) {
      const m = d.message;
      const tag = ch.track(queue, m.offset, this, now);
      pos = writeDeliverHead(buf, pos, ch.id, tagBytes, tag, d.deliveryCount > 1, m.exchangeBytes, m.routingKeyBytes, m.properties, m.body.length);
      if (m.body.length <= INLINE_BODY_BYTES) pos = writeBodyFrames(buf, pos, ch.id, m.body, frameMax);
      else {
        frames.push(buf.subarray(from, pos), ...bodyFrames(ch.id, m.body, frameMax));
        from = pos;
      }
    }
    if (pos > from) frames.push(buf.subarray(from, pos));
    ch.host.sendFrames(frames);
  }

  /** The generic encoder, for routing fields a shortstr cannot carry (it reports those as errors). */
  private deliverOneByOne(queue: AmqpQueue, deliveries: Delivery[]): void {
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

/** Bodies up to this size are copied into the turn's buffer; larger ones are sent as views. */
const INLINE_BODY_BYTES = 16 * 1024;
