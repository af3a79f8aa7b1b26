// What the HTTP gateway's management routes (RabbitMQ's management API shape, /api/queues ...)
// read and change of the AMQP front door, as plain data: virtual hosts, queues with their depth,
// consumers and cumulative message counters, exchanges, and bindings (the implicit binding of
// every queue to the default exchange included, as RabbitMQ lists it). The gateway never imports
// the broker: `brook start` hands this object over, and the gateway's AmqpManagement interface
// (src/gateway/amqp-api/amqp-source.ts) describes the same shape.
import type { FieldTable, FieldValue } from '../../amqp/index.js';
import type { AmqpServer } from './amqp-server.js';
import type { AmqpQueue } from './queue.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface QueueView {
  vhost: string;
  name: string;
  type: 'classic' | 'quorum' | 'stream';
  durable: boolean;
  autoDelete: boolean;
  exclusive: boolean;
  arguments: Record<string, JsonValue>;
  ready: number;
  unacked: number;
  consumers: number;
  /** Cumulative since the queue was opened in this process. */
  published: number;
  delivered: number;
  acked: number;
}

export interface ExchangeView {
  vhost: string;
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: Record<string, JsonValue>;
}

export interface BindingView {
  vhost: string;
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, JsonValue>;
}

/** A field value as JSON, as RabbitMQ's management API shows arguments (64-bit integers as numbers when exact). */
function fieldJson(v: FieldValue): JsonValue {
  switch (v.type) {
    case 'V':
      return null;
    case 'S':
    case 'x':
      return v.value.toString('utf8');
    case 'l':
    case 'L':
    case 'T':
      return v.value >= BigInt(Number.MIN_SAFE_INTEGER) && v.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.value) : v.value.toString();
    case 'D':
      return v.value / 10 ** v.scale;
    case 'A':
      return v.value.map(fieldJson);
    case 'F':
      return tableJson(v.value);
    default:
      return v.value;
  }
}

export function tableJson(t: FieldTable): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of t) out[k] = fieldJson(v);
  return out;
}

function queueView(vhost: string, q: AmqpQueue): QueueView {
  return {
    vhost,
    name: q.name,
    type: q.def.type,
    durable: q.def.durable,
    autoDelete: q.def.autoDelete,
    exclusive: q.def.exclusive,
    arguments: tableJson(q.def.arguments),
    ready: q.readyCount(),
    unacked: q.args.type === 'stream' ? 0 : q.unackedCount(),
    consumers: q.consumers.length + q.streamConsumers.size,
    published: q.stats.published,
    delivered: q.stats.delivered,
    acked: q.stats.acked,
  };
}

export class AmqpManagementView {
  constructor(private readonly server: AmqpServer) {}

  vhosts(): string[] {
    return [...this.server.vhosts.keys()].sort();
  }

  queues(): QueueView[] {
    const out: QueueView[] = [];
    for (const v of this.server.vhosts.values()) for (const q of v.queues.values()) out.push(queueView(v.name, q));
    return out;
  }

  queue(vhost: string, name: string): QueueView | null {
    const q = this.server.vhosts.get(vhost)?.queues.get(name);
    return q ? queueView(vhost, q) : null;
  }

  exchanges(): ExchangeView[] {
    const out: ExchangeView[] = [];
    for (const v of this.server.vhosts.values()) {
      for (const x of v.exchanges.values()) {
        out.push({ vhost: v.name, name: x.name, type: x.def.type, durable: x.def.durable, autoDelete: x.def.autoDelete, internal: x.def.internal, arguments: tableJson(x.def.arguments) });
      }
    }
    return out;
  }

  bindings(): BindingView[] {
    const out: BindingView[] = [];
    for (const v of this.server.vhosts.values()) {
      // RabbitMQ lists each queue's implicit binding to the default exchange first.
      for (const q of v.queues.values()) out.push({ vhost: v.name, source: '', destination: q.name, destinationType: 'queue', routingKey: q.name, arguments: {} });
      for (const x of v.exchanges.values()) {
        for (const b of x.bindings) {
          out.push({ vhost: v.name, source: x.name, destination: b.destination, destinationType: b.destinationKind, routingKey: b.routingKey, arguments: tableJson(b.arguments) });
        }
      }
    }
    return out;
  }

  /** queue.purge from outside a connection: the ready messages go (no dead-lettering); null when there is no such queue. */
  async purge(vhost: string, name: string): Promise<number | null> {
    const q = this.server.vhosts.get(vhost)?.queues.get(name);
    return q ? q.purge() : null;
  }

  /**
   * queue.delete from outside a connection (exclusive queues too, as RabbitMQ's management API
   * allows): consumers get basic.cancel; false when there is no such queue.
   */
  async deleteQueue(vhost: string, name: string, opts: { ifUnused: boolean; ifEmpty: boolean }): Promise<'deleted' | 'missing' | 'in-use' | 'not-empty'> {
    const v = this.server.vhosts.get(vhost);
    const q = v?.queues.get(name);
    if (!v || !q) return 'missing';
    if (opts.ifUnused && q.consumers.length + q.streamConsumers.size > 0) return 'in-use';
    if (opts.ifEmpty && q.readyCount() > 0) return 'not-empty';
    await v.removeQueue(q);
    return 'deleted';
  }
}
