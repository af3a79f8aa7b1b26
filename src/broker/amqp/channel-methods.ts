// The synchronous methods of a channel (everything but the content of basic.publish), each checked
// and answered as RabbitMQ's rabbit_channel answers it. Failures are AmqpErrors: soft ones close
// the channel, hard ones the connection (connection.ts decides).
import { AmqpConstant, encodeMethodFrame, fieldInteger, tableGet, type AmqpMethod, type FieldTable } from '../../amqp/index.js';
import { AckType } from '../queues/index.js';
import { ChannelConsumer } from './channel-consumer.js';
import type { Channel } from './channel.js';
import { ConfirmTracker } from './confirms.js';
import { AmqpError, Reply, rname, withMethod } from './errors.js';
import type { ExchangeType } from './exchange.js';
import { REPLY_TO_QUEUE } from './vhost.js';
import { StreamConsumer, streamOffsetArgument, streamStart } from './stream-consumer.js';
import { TYPE_NAMES } from './equivalence.js';
import { randomBytes } from 'node:crypto';
import { AclOperation, type AclOperationCode } from '../topics/authorized-operations.js';
import type { AmqpResource } from '../../amqp/index.js';

export async function handleChannelMethod(ch: Channel, m: AmqpMethod): Promise<void> {
  const host = ch.host;
  const vhost = host.vhost;
  const reply = (r: AmqpMethod): void => host.sendMethod(ch.id, r);
  // ACLs (amqp-acl.ts): what this method needs, checked before it acts.
  const need = (operation: AclOperationCode, kind: AmqpResource, name: string, classId: number, methodId: number): void => host.acl.require(host.user, vhost.name, operation, kind, name, classId, methodId);
  switch (m.method) {
    case 'channel.flow':
      ch.flowActive = m.active;
      reply({ method: 'channel.flow-ok', active: m.active });
      if (m.active) for (const c of ch.consumers.values()) c.queue.pump();
      return;
    case 'exchange.declare': {
      need(m.passive ? AclOperation.DESCRIBE : AclOperation.CREATE, 'exchange', m.exchange, 40, 10);
      await vhost.declareExchange(
        { name: m.exchange, type: m.type as ExchangeType, durable: m.durable, autoDelete: m.autoDelete, internal: m.internal, arguments: m.arguments },
        m.passive,
        m.type,
      );
      if (!m.nowait) reply({ method: 'exchange.declare-ok' });
      return;
    }
    case 'exchange.delete':
      need(AclOperation.DELETE, 'exchange', m.exchange, 40, 20);
      await vhost.deleteExchange(m.exchange, m.ifUnused);
      if (!m.nowait) reply({ method: 'exchange.delete-ok' });
      return;
    case 'exchange.bind':
    case 'exchange.unbind': {
      need(AclOperation.WRITE, 'exchange', m.destination, 40, m.method === 'exchange.bind' ? 30 : 40);
      need(AclOperation.READ, 'exchange', m.source, 40, m.method === 'exchange.bind' ? 30 : 40);
      const d = { source: m.source, destinationKind: 'exchange' as const, destination: m.destination, routingKey: m.routingKey, arguments: m.arguments };
      if (m.method === 'exchange.bind') await vhost.bind(d, host.connectionKey);
      else await vhost.unbind(d, host.connectionKey);
      if (!m.nowait) reply(m.method === 'exchange.bind' ? { method: 'exchange.bind-ok' } : { method: 'exchange.unbind-ok' });
      return;
    }
    case 'queue.declare': {
      if (m.queue === REPLY_TO_QUEUE && m.passive) {
        if (!m.nowait) reply({ method: 'queue.declare-ok', queue: m.queue, messageCount: 0, consumerCount: 0 });
        return;
      }
      const name = m.queue === '' ? `amq.gen-${randomBytes(16).toString('base64url').slice(0, 22)}` : m.queue;
      need(m.passive ? AclOperation.DESCRIBE : AclOperation.CREATE, 'queue', name, 50, 10);
      const q = await vhost.declareQueue({ queue: name, passive: m.passive, durable: m.durable, exclusive: m.exclusive, autoDelete: m.autoDelete, arguments: m.arguments }, host.connectionKey);
      ch.lastQueue = q.name;
      if (!m.nowait) reply({ method: 'queue.declare-ok', queue: q.name, messageCount: q.readyCount(), consumerCount: q.consumers.length });
      return;
    }
    case 'queue.bind':
    case 'queue.unbind': {
      const queue = resolveQueueName(ch, m.queue);
      need(AclOperation.WRITE, 'queue', queue, 50, m.method === 'queue.bind' ? 20 : 50);
      need(AclOperation.READ, 'exchange', m.exchange, 50, m.method === 'queue.bind' ? 20 : 50);
      const d = { source: m.exchange, destinationKind: 'queue' as const, destination: queue, routingKey: m.routingKey, arguments: m.arguments };
      if (m.method === 'queue.bind') {
        await vhost.bind(d, host.connectionKey);
        if (!m.nowait) reply({ method: 'queue.bind-ok' });
      } else {
        await vhost.unbind(d, host.connectionKey);
        reply({ method: 'queue.unbind-ok' });
      }
      return;
    }
    case 'queue.purge': {
      need(AclOperation.DELETE, 'queue', resolveQueueName(ch, m.queue), 50, 30);
      const q = vhost.queue(resolveQueueName(ch, m.queue), host.connectionKey);
      const n = await q.purge();
      if (!m.nowait) reply({ method: 'queue.purge-ok', messageCount: n });
      return;
    }
    case 'queue.delete': {
      need(AclOperation.DELETE, 'queue', resolveQueueName(ch, m.queue), 50, 40);
      const n = await vhost.deleteQueue(resolveQueueName(ch, m.queue), m.ifUnused, m.ifEmpty, host.connectionKey);
      if (!m.nowait) reply({ method: 'queue.delete-ok', messageCount: n });
      return;
    }
    case 'basic.qos':
      // RabbitMQ does not implement prefetch-size (rabbit_channel: not_implemented).
      if (m.prefetchSize !== 0) throw withMethod(Reply.notImplemented(`prefetch_size!=0 (${m.prefetchSize})`), 60, 10);
      if (m.global) ch.channelPrefetch = m.prefetchCount;
      else ch.consumerPrefetch = m.prefetchCount;
      reply({ method: 'basic.qos-ok' });
      for (const c of ch.consumers.values()) c.queue.pump();
      return;
    case 'basic.consume': {
      if (m.queue === REPLY_TO_QUEUE) {
        if (!m.noAck) throw withMethod(Reply.preconditionFailed('reply consumer cannot acknowledge'), 60, 20);
        if (ch.replyTo) throw withMethod(Reply.preconditionFailed('reply consumer already set'), 60, 20);
        const tag = m.consumerTag === '' ? ch.newConsumerTag() : m.consumerTag;
        ch.startReplyConsumer(tag);
        if (!m.nowait) reply({ method: 'basic.consume-ok', consumerTag: tag });
        return;
      }
      need(AclOperation.READ, 'queue', resolveQueueName(ch, m.queue), 60, 20);
      const q = vhost.queue(resolveQueueName(ch, m.queue), host.connectionKey);
      const tag = m.consumerTag === '' ? ch.newConsumerTag() : m.consumerTag;
      if (ch.consumers.has(tag)) throw withMethod(Reply.notAllowed(`attempt to reuse consumer tag '${tag}'`), 60, 20);
      if (q.consumers.some((c) => c.exclusive)) throw withMethod(Reply.accessRefused(`${rname('queue', q.name, vhost.name)} in exclusive use`), 60, 20);
      if (m.exclusive && q.consumers.length > 0) throw withMethod(Reply.accessRefused(`cannot obtain exclusive access to ${rname('queue', q.name, vhost.name)}`), 60, 20);
      if (q.args.type === 'stream') {
        // RabbitMQ's rules for stream consumers: manual acknowledgement and a prefetch count.
        if (m.noAck) throw withMethod(Reply.preconditionFailed('stream queues only support manual acknowledgement (no-ack=false)'), 60, 20);
        if (ch.consumerPrefetch === 0 && ch.channelPrefetch === 0) throw withMethod(Reply.preconditionFailed('consumer prefetch count is not set for stream queue'), 60, 20);
        const sc = new StreamConsumer(ch, q, tag, await streamStart(q, streamOffsetArgument(m.arguments)), ch.consumerPrefetch);
        ch.consumers.set(tag, sc);
        if (!m.nowait) reply({ method: 'basic.consume-ok', consumerTag: tag });
        q.addStreamConsumer(sc);
        return;
      }
      const c = new ChannelConsumer(ch, q, tag, m.noAck, m.exclusive, ch.consumerPrefetch, consumerPriority(m.arguments, q.name, vhost.name));
      ch.consumers.set(tag, c);
      if (!m.nowait) reply({ method: 'basic.consume-ok', consumerTag: tag });
      q.addConsumer(c);
      return;
    }
    case 'basic.cancel': {
      if (ch.replyTo?.tag === m.consumerTag) ch.stopReplyConsumer();
      const c = ch.consumers.get(m.consumerTag);
      if (c) {
        ch.consumers.delete(m.consumerTag);
        c.cancelled = true;
        c.queue.removeConsumer(c);
      }
      if (!m.nowait) reply({ method: 'basic.cancel-ok', consumerTag: m.consumerTag });
      return;
    }
    case 'basic.get': {
      need(AclOperation.READ, 'queue', resolveQueueName(ch, m.queue), 60, 70);
      const q = vhost.queue(resolveQueueName(ch, m.queue), host.connectionKey);
      if (q.args.type === 'stream') throw withMethod(Reply.preconditionFailed('basic.get is not supported by stream queues'), 60, 70);
      q.touch();
      await q.whenAppended(); // what was routed to the queue before this get is in it
      let got = null;
      for (let tries = 0; tries < 100; tries++) {
        got = await q.takeNext(ch.member, 1, m.noAck);
        if (got === null || got.deliveries.length > 0) break;
      }
      if (!got || got.deliveries.length === 0) {
        reply({ method: 'basic.get-empty', clusterId: '' });
        return;
      }
      const d = got.deliveries[0]!;
      const tag = ch.track(got.source, d.message.offset, null);
      if (m.noAck) ch.unacked.delete(tag);
      host.sendFrames([
        encode(ch.id, { method: 'basic.get-ok', deliveryTag: tag, redelivered: d.deliveryCount > 1, exchange: d.message.exchange, routingKey: d.message.routingKey, messageCount: q.readyCount() }),
        ...ch.contentFrames(d.message.properties, d.message.body),
      ]);
      return;
    }
    case 'basic.ack':
      ch.settle(ch.takeTags(m.deliveryTag, m.multiple), AckType.Accept);
      return;
    case 'basic.reject':
      ch.settle(ch.takeTags(m.deliveryTag, false), m.requeue ? AckType.Release : AckType.Reject);
      return;
    case 'basic.nack':
      ch.settle(ch.takeTags(m.deliveryTag, m.multiple), m.requeue ? AckType.Release : AckType.Reject);
      return;
    case 'basic.recover':
    case 'basic.recover-async':
      // Every unacked message goes back to its queue (requeue=false is not supported by RabbitMQ either: it requeues).
      ch.settle(ch.takeTags(0, true), AckType.Release);
      if (m.method === 'basic.recover') reply({ method: 'basic.recover-ok' });
      return;
    case 'confirm.select':
      if (ch.tx) throw withMethod(Reply.preconditionFailed('cannot switch from tx to confirm mode'), 85, 10);
      if (!ch.confirms) ch.confirms = new ConfirmTracker((kind, tag, multiple) => reply(kind === 'ack' ? { method: 'basic.ack', deliveryTag: tag, multiple } : { method: 'basic.nack', deliveryTag: tag, multiple, requeue: false }));
      if (!m.nowait) reply({ method: 'confirm.select-ok' });
      return;
    case 'tx.select':
      if (ch.confirms) throw withMethod(Reply.preconditionFailed('cannot switch from confirm to tx mode'), 90, 10);
      ch.tx ??= { publishes: [], acks: [], taken: [] };
      reply({ method: 'tx.select-ok' });
      return;
    case 'tx.commit': {
      if (!ch.tx) throw withMethod(Reply.preconditionFailed('channel is not transactional'), 90, 20);
      const { publishes, acks } = ch.tx;
      ch.tx = { publishes: [], acks: [], taken: [] };
      // commit-ok only once the queues have the messages: a get or declare after it sees them.
      await Promise.all(publishes.map((p) => new Promise<void>((resolve) => p(resolve))));
      for (const a of acks) a();
      reply({ method: 'tx.commit-ok' });
      return;
    }
    case 'tx.rollback':
      if (!ch.tx) throw withMethod(Reply.preconditionFailed('channel is not transactional'), 90, 30);
      ch.rollbackAcks(ch.tx.taken);
      ch.tx = { publishes: [], acks: [], taken: [] };
      reply({ method: 'tx.rollback-ok' });
      return;
    case 'access.request':
      reply({ method: 'access.request-ok', ticket: 1 });
      return;
    default:
      throw new AmqpError(AmqpConstant.COMMAND_INVALID, `unexpected method ${m.method} on a channel`);
  }
}

/** An empty queue name means the channel's last declared queue (AMQP 0-9-1, as RabbitMQ allows). */
function resolveQueueName(ch: Channel, name: string): string {
  if (name !== '') return name;
  if (ch.lastQueue === '') throw Reply.notFound('no previously declared queue');
  return ch.lastQueue;
}

function encode(channel: number, m: AmqpMethod): Buffer {
  return encodeMethodFrame(channel, m);
}

/** basic.consume x-priority: an integer (RabbitMQ's 406 "invalid arg 'x-priority' ...: \"expected integer, got longstr\"" otherwise). */
function consumerPriority(args: FieldTable, queue: string, vhost: string): number {
  const v = tableGet(args, 'x-priority');
  if (v === undefined) return 0;
  const n = fieldInteger(v);
  if (n === undefined) throw withMethod(Reply.preconditionFailed(`invalid arg 'x-priority' for ${rname('queue', queue, vhost)}: "expected integer, got ${TYPE_NAMES[v.type] ?? v.type}"`), 60, 20);
  return n;
}
