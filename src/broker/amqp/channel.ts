// One AMQP channel: the methods of the exchange, queue, basic, confirm and tx classes, content
// assembly for basic.publish, delivery tags, and acknowledgements (RabbitMQ's rabbit_channel).
//
// Delivery tags count from 1 per channel. Each unacked tag maps to (queue, offset); basic.ack,
// basic.nack and basic.reject (multiple: every unacked tag up to it) become one engine
// acknowledgement per queue per event-loop turn: Accept, Release (requeue: the message returns to
// its place and is redelivered with redelivered=true) or Reject (archived; dead-lettered through
// the queue's x-dead-letter-exchange). An unknown tag is 406 PRECONDITION_FAILED "unknown delivery
// tag N" and closes the channel. Closing the channel releases everything it holds.
import { AclOperation } from '../topics/authorized-operations.js';
import {
  AmqpConstant,
  bodyFrameHead,
  contentHeaderFrameSize,
  decodeProperties,
  encodeMethodFrame,
  encodeProperties,
  FRAME_END_BYTE,
  FRAME_OVERHEAD,
  scanProperties,
  writeContentHeaderFrame,
  type AmqpMethod,
  type BasicPublish,
  type FieldTable,
} from '../../amqp/index.js';
import { AckType } from '../queues/index.js';
import type { ChannelConsumer } from './channel-consumer.js';
import type { ConfirmTracker } from './confirms.js';
import { Reply, rname, withMethod } from './errors.js';
import type { ExchangeType } from './exchange.js';
import { parseExpiration, type AmqpMessage } from './message-record.js';
import type { AmqpQueue } from './queue.js';
import type { ChannelHost } from './session.js';
import type { StreamConsumer } from './stream-consumer.js';
import { REPLY_TO_QUEUE } from './vhost.js';
import { AckTimeout } from './ack-timeout.js';
import { randomBytes } from 'node:crypto';

interface Unacked {
  tag: number;
  queue: AmqpQueue;
  offset: number;
  consumer: ChannelConsumer | null;
  /** When it times out unacknowledged (ack-timeout.ts; Infinity: never), and the timeout used. */
  deadline: number;
  timeoutMs: number;
  /** Set for deliveries from a stream queue (their acks only return credit). */
  stream?: StreamConsumer;
}

interface Assembly {
  method: BasicPublish;
  properties: Buffer | null;
  size: number;
  parts: Buffer[];
  received: number;
}

export class Channel {
  open = true;
  flowActive = true;
  /** basic.qos prefetch-count, global=false (applies to consumers created afterwards). */
  consumerPrefetch = 0;
  /** basic.qos prefetch-count, global=true (shared by the channel's consumers). */
  channelPrefetch = 0;
  readonly consumers = new Map<string, ChannelConsumer | StreamConsumer>();
  readonly unacked = new Map<number, Unacked>();
  confirms: ConfirmTracker | null = null;
  /** tx.select: publishes and acknowledgements wait for tx.commit. */
  tx: { publishes: ((settled: () => void) => void)[]; acks: (() => void)[]; taken: Unacked[] } | null = null;
  private nextTag = 1;
  private assembly: Assembly | null = null;
  private pendingAcks = new Map<AmqpQueue, Map<number, number[]>>();
  private ackFlushScheduled = false;
  private consumerSeq = 0;
  /** The last queue declared on the channel (an empty queue name in later methods means it). */
  lastQueue = '';
  /** The direct reply-to consumer of this channel, if any. */
  replyTo: { token: string; tag: string } | null = null;
  private readonly ackTimeout: AckTimeout;

  constructor(
    readonly id: number,
    readonly host: ChannelHost,
    /** The methods of the exchange, queue, basic, confirm and tx classes (channel-methods.ts, passed in by the connection so the two modules do not import each other). */
    private readonly handleMethod: (ch: Channel, m: AmqpMethod) => Promise<void>,
  ) {
    this.ackTimeout = new AckTimeout(
      id,
      () => host.now(),
      () => this.unacked.values().next().value,
      (e) => host.failChannel(id, e),
    );
  }

  /** The queue engine member owning this channel's acquisitions. */
  get member(): string {
    // Built once: it is looked up on every delivery turn and acknowledgement.
    return (this.memberName ??= `${this.host.connectionId}/${this.id}`);
  }

  private memberName: string | undefined;

  channelCredit(): number {
    if (this.channelPrefetch === 0) return Infinity;
    let held = 0;
    for (const u of this.unacked.values()) if (u.consumer || u.stream) held++;
    return this.channelPrefetch - held;
  }

  /** Records a delivery and returns its tag (no-ack deliveries, and direct replies (queue null), are not tracked). */
  track(queue: AmqpQueue | null, offset: number, consumer: ChannelConsumer | null, now?: number): number {
    const tag = this.nextTag++;
    if (!queue || (consumer && consumer.noAck)) return tag;
    const timeoutMs = queue.args.type === 'stream' ? 0 : (queue.args.consumerTimeout ?? this.host.consumerTimeoutMs);
    // `now`: the time a whole delivery turn goes out (read once for the turn, not per message).
    const deadline = timeoutMs > 0 ? (now ?? this.host.now()) + timeoutMs : Infinity;
    this.unacked.set(tag, { tag, queue, offset, consumer, deadline, timeoutMs });
    this.ackTimeout.watch(deadline);
    if (consumer) consumer.unacked++;
    return tag;
  }

  newConsumerTag(): string {
    return `amq.ctag-${this.host.connectionId}-${this.id}-${++this.consumerSeq}`;
  }

  // ---- frames in ----

  /**
   * A method frame. basic.publish (and the content frames after it) complete synchronously, so the
   * connection keeps reading frames without a promise per message; other methods may wait.
   */
  onMethod(m: AmqpMethod): Promise<void> | void {
    if (this.assembly) throw Reply.unexpectedFrame(`expected content header for class 60, got non content header frame instead`);
    if (m.method === 'basic.publish') {
      this.assembly = { method: m, properties: null, size: 0, parts: [], received: 0 };
      return;
    }
    if (m.method === 'basic.ack') {
      // The consumer's hot method, handled here without a promise (channel-methods.ts has the rest).
      this.settle(this.takeTags(m.deliveryTag, m.multiple), AckType.Accept);
      return;
    }
    // Acknowledgements are applied once per event-loop turn, but always before the channel's next
    // method: a basic.get or basic.recover right after a nack with requeue sees the message back.
    if (this.ackFlushScheduled && m.method !== 'basic.nack' && m.method !== 'basic.reject') this.flushAcks();
    return this.handleMethod(this, m);
  }

  onHeader(classId: number, bodySize: number, properties: Buffer): void {
    const a = this.assembly;
    if (!a || a.properties !== null) throw Reply.unexpectedFrame('expected method frame, got non method frame instead');
    if (classId !== 60) throw Reply.unexpectedFrame(`expected content header for class 60, got class ${classId} instead`);
    if (bodySize > this.host.maxMessageBytes) throw Reply.preconditionFailed(`message size ${bodySize} is larger than configured max size ${this.host.maxMessageBytes}`);
    // A view of the received bytes (stable: the frame parser never reuses a buffer), like the body.
    a.properties = properties;
    a.size = bodySize;
    if (bodySize === 0) this.completePublish();
  }

  onBody(payload: Buffer): void {
    const a = this.assembly;
    if (!a || a.properties === null) throw Reply.unexpectedFrame('expected method frame, got non method frame instead');
    a.received += payload.length;
    if (a.received > a.size) throw Reply.unexpectedFrame(`content body of ${a.received} bytes exceeds the ${a.size} bytes its header declared`);
    a.parts.push(payload);
    if (a.received === a.size) this.completePublish();
  }

  private completePublish(): void {
    const a = this.assembly!;
    this.assembly = null;
    const body = a.parts.length === 1 ? a.parts[0]! : Buffer.concat(a.parts, a.size);
    if (this.tx) this.tx.publishes.push((settled) => this.publish(a.method, a.properties!, body, settled));
    else this.publish(a.method, a.properties!, body);
  }

  /**
   * Routes and enqueues one message; answers mandatory returns and confirms. `settled` (tx.commit)
   * is called once every queue has the message or refused it.
   */
  private publish(m: BasicPublish, rawProperties: Buffer, body: Buffer, settled: () => void = noop): void {
    let properties = rawProperties;
    const seq = this.confirms ? this.confirms.take() : 0;
    const vhost = this.host.vhost;
    this.host.acl.require(this.host.user, vhost.name, AclOperation.WRITE, 'exchange', m.exchange, 60, 40);
    const x = vhost.exchanges.get(m.exchange);
    if (!x) throw withMethod(Reply.notFound(`no ${rname('exchange', m.exchange, vhost.name)}`), 60, 40);
    if (x.def.internal) throw withMethod(Reply.accessRefused(`cannot publish to internal ${rname('exchange', m.exchange, vhost.name)}`), 60, 40);
    // RabbitMQ dropped immediate delivery in 3.0 and answers it as not implemented.
    if (m.immediate) throw withMethod(Reply.notImplemented('immediate=true'), 60, 40);
    let scan;
    try {
      scan = scanProperties(properties);
    } catch (e) {
      throw withMethod(Reply.syntaxError(`content header properties could not be decoded: ${String(e)}`), 60, 40);
    }
    if (scan.userId !== undefined && scan.userId !== this.host.user) {
      throw withMethod(Reply.preconditionFailed(`user_id property set to '${scan.userId}' but authenticated user was '${this.host.user}'`), 60, 40);
    }
    const expiration = parseExpiration(scan.expiration);
    if (expiration === 'invalid') throw withMethod(Reply.preconditionFailed(`invalid expiration '${scan.expiration ?? ''}' for message`), 60, 40);
    if (scan.replyTo === REPLY_TO_QUEUE) {
      // Direct reply-to: the reply address names this channel's reply consumer.
      if (!this.replyTo) throw withMethod(Reply.preconditionFailed('fast reply consumer does not exist'), 60, 40);
      properties = encodeProperties({ ...decodeProperties(properties), replyTo: `${REPLY_TO_QUEUE}.${this.replyTo.token}` });
    }
    if (m.exchange === '' && m.routingKey.startsWith(REPLY_TO_PREFIX)) {
      const target = vhost.replyConsumers.get(m.routingKey.slice(REPLY_TO_QUEUE.length + 1));
      if (target) target.deliverReply(m.exchange, m.routingKey, properties, body);
      else if (m.mandatory) this.returnMessage(m, properties, body);
      if (this.confirms) this.confirms.ack(seq);
      settled();
      return;
    }
    const message: AmqpMessage = { exchange: m.exchange, routingKey: m.routingKey, properties, body, persistent: scan.deliveryMode === 2, expirationMs: expiration };
    if (x.kafka) {
      // A Kafka topic exchange: the record goes to the topic; its reader routes it to the queues.
      const confirms = this.confirms;
      x.kafka.publish(message, message.persistent).then(
        () => {
          confirms?.ack(seq);
          settled();
        },
        (e: unknown) => {
          this.host.logger.warn('appending to a Kafka topic exchange failed', { exchange: x.name, error: String(e) });
          confirms?.nack(seq);
          settled();
        },
      );
      return;
    }
    // The default exchange reaches the queue its routing key names: found, that is the whole route
    // (it cannot have an alternate exchange), and no route set is built for it.
    const direct = m.exchange === '' ? vhost.queues.get(m.routingKey) : undefined;
    const routed = direct ? null : vhost.route(x, m.routingKey, () => (scan.hasHeaders ? decodeHeaders(properties) : undefined));
    if (routed && routed.size === 0) {
      if (m.mandatory) this.returnMessage(m, properties, body);
      if (this.confirms) this.confirms.ack(seq);
      settled();
      return;
    }
    const done = publishDone(this.confirms, seq, settled, routed ? routed.size : 1);
    if (direct) this.enqueue(direct, message, done);
    else for (const q of routed!) this.enqueue(q, message, done);
  }

  /** Hands a routed message to one of its queues; a refusal counts as that queue's failure. */
  private enqueue(q: AmqpQueue, message: AmqpMessage, done: (error?: unknown) => void): void {
    if (!q.publish(message, message.persistent, done)) done(new Error('rejected'));
    else if (q.backlogOver()) this.host.holdForBacklog?.(q);
  }

  private returnMessage(m: BasicPublish, properties: Buffer, body: Buffer): void {
    this.host.sendFrames([
      encodeMethod(this.id, { method: 'basic.return', replyCode: AmqpConstant.NO_ROUTE, replyText: 'NO_ROUTE', exchange: m.exchange, routingKey: m.routingKey }),
      ...this.contentFrames(properties, body),
    ]);
  }

  /** Starts this channel's direct reply-to consumer (basic.consume on amq.rabbitmq.reply-to, no-ack). */
  startReplyConsumer(tag: string): void {
    const token = randomBytes(18).toString('base64url');
    this.replyTo = { token, tag };
    this.host.vhost.replyConsumers.set(token, {
      deliverReply: (exchange, routingKey, properties, body) => {
        if (!this.open) return;
        const deliveryTag = this.track(null, 0, null);
        this.host.sendFrames([encodeMethod(this.id, { method: 'basic.deliver', consumerTag: tag, deliveryTag, redelivered: false, exchange, routingKey }), ...this.contentFrames(properties, body)]);
      },
    });
  }

  stopReplyConsumer(): void {
    if (this.replyTo) this.host.vhost.replyConsumers.delete(this.replyTo.token);
    this.replyTo = null;
  }

  /** Content header and body frames for a message (bodies split at frame_max). */
  contentFrames(properties: Buffer, body: Buffer): Buffer[] {
    const headerSize = contentHeaderFrameSize(properties);
    const header = Buffer.allocUnsafe(headerSize);
    writeContentHeaderFrame(header, 0, this.id, 60, body.length, properties);
    const out: Buffer[] = [header];
    const max = this.host.frameMax - FRAME_OVERHEAD;
    for (let at = 0; at < body.length; at += max) {
      const part = body.subarray(at, Math.min(body.length, at + max));
      out.push(bodyFrameHead(this.id, part.length), part, FRAME_END_BYTE);
    }
    return out;
  }

  // ---- acknowledgements ----

  /** The tags `tag` names: itself, or with multiple every unacked tag up to it (0 with multiple: all). */
  takeTags(tag: number, multiple: boolean): Unacked[] {
    if (!multiple) {
      const u = this.unacked.get(tag);
      if (!u) throw withMethod(Reply.preconditionFailed(`unknown delivery tag ${tag}`), 60, 80);
      this.unacked.delete(tag);
      this.released(u);
      return [u];
    }
    if (tag !== 0 && tag >= this.nextTag) throw withMethod(Reply.preconditionFailed(`unknown delivery tag ${tag}`), 60, 80);
    const out: Unacked[] = [];
    for (const [t, u] of this.unacked) {
      if (tag !== 0 && t > tag) break;
      out.push(u);
      this.unacked.delete(t);
      this.released(u);
    }
    return out;
  }

  private released(u: Unacked): void {
    if (u.consumer) u.consumer.unacked--;
    if (u.stream) u.stream.unacked--;
  }

  markStreamDelivery(tag: number, stream: StreamConsumer): void {
    const u = this.unacked.get(tag);
    if (u) u.stream = stream;
  }

  /** Queues an acknowledgement (Accept, Release or Reject) for the next flush. */
  settle(items: readonly Unacked[], type: number): void {
    const apply = (): void => {
      for (const u of items) {
        let byType = this.pendingAcks.get(u.queue);
        if (!byType) this.pendingAcks.set(u.queue, (byType = new Map()));
        let list = byType.get(type);
        if (!list) byType.set(type, (list = []));
        list.push(u.offset);
      }
      if (!this.ackFlushScheduled) {
        this.ackFlushScheduled = true;
        // Once per event-loop turn: every ack frame read in the turn becomes one engine call per queue.
        setImmediate(this.flushAcksBound);
      }
    };
    if (this.tx) {
      this.tx.acks.push(apply);
      this.tx.taken.push(...items);
    } else apply();
  }

  /**
   * tx.rollback: acknowledgements of the transaction are forgotten and their messages stay held by
   * this channel under their delivery tags, as in RabbitMQ (they may be acknowledged again).
   */
  rollbackAcks(taken: readonly Unacked[]): void {
    if (taken.length === 0) return;
    for (const u of taken) {
      if (u.consumer) u.consumer.unacked++;
      if (u.stream) u.stream.unacked++;
    }
    // takeTags relies on tag order in the map.
    const all = [...this.unacked.values(), ...taken].sort((a, b) => a.tag - b.tag);
    this.unacked.clear();
    for (const u of all) this.unacked.set(u.tag, u);
  }

  private readonly flushAcksBound = (): void => this.flushAcks();

  private flushAcks(): void {
    this.ackFlushScheduled = false;
    const all = this.pendingAcks;
    this.pendingAcks = new Map();
    for (const [queue, byType] of all) {
      for (const [type, offsets] of byType) {
        // settle() applies the acknowledgement before its first await, so the pumps below see it.
        queue.settle(this.member, offsets, type).catch((e: unknown) => this.host.logger.warn('acknowledgement failed', { queue: queue.name, error: String(e) }));
      }
    }
    // Credit freed: consumers of these queues (and of the whole channel, for global qos) may get more.
    if (this.channelPrefetch > 0) for (const c of this.consumers.values()) c.queue.pump();
    else for (const queue of all.keys()) queue.pump();
  }

  /** Releases everything the channel holds and forgets its consumers (channel or connection close). */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.ackTimeout.stop();
    this.stopReplyConsumer();
    this.flushAcks();
    const queues = new Set<AmqpQueue>();
    for (const u of this.unacked.values()) queues.add(u.queue);
    // Acknowledgements of an uncommitted transaction never happened: those messages go back too.
    for (const u of this.tx?.taken ?? []) queues.add(u.queue);
    for (const c of this.consumers.values()) {
      c.cancelled = true;
      c.queue.removeConsumer(c);
      queues.add(c.queue);
    }
    this.consumers.clear();
    this.unacked.clear();
    await Promise.all([...queues].map((q) => q.releaseMember(this.member).catch(() => {})));
  }

  /** The server cancels a consumer (its queue was deleted): basic.cancel when the client understands it. */
  serverCancel(c: ChannelConsumer | StreamConsumer): void {
    if (this.consumers.get(c.tag) !== c) return;
    this.consumers.delete(c.tag);
    c.cancelled = true;
    if (this.host.cancelNotify && this.open) this.host.sendMethod(this.id, { method: 'basic.cancel', consumerTag: c.tag, nowait: true });
  }

  exchangeType(raw: string): ExchangeType {
    return raw as ExchangeType;
  }
}

const noop = (): void => {};

/**
 * The callback each of a message's `targets` queues calls once it has the message (or failed): the
 * confirm goes out after the last, a nack if any refused or failed, then `settled`. Nothing to do
 * without confirms or a transaction: no closure per message then.
 */
function publishDone(confirms: ConfirmTracker | null, seq: number, settled: () => void, targets: number): (error?: unknown) => void {
  if (confirms === null && settled === noop) return noop;
  let waiting = targets;
  let failed = false;
  return (error?: unknown): void => {
    if (error !== undefined) failed = true;
    if (--waiting > 0) return;
    if (confirms) {
      if (failed) confirms.nack(seq);
      else confirms.ack(seq);
    }
    settled();
  };
}

/** Routing keys of direct replies start with this (built once, not per publish). */
const REPLY_TO_PREFIX = `${REPLY_TO_QUEUE}.`;

function encodeMethod(channel: number, m: AmqpMethod): Buffer {
  return encodeMethodFrame(channel, m);
}

function decodeHeaders(properties: Buffer): FieldTable | undefined {
  return decodeProperties(properties).headers;
}

