// A virtual host: its exchanges (with the predeclared ones), queues and bindings, the rules for
// declaring, deleting and binding them (RabbitMQ's rabbit_channel checks and reply texts), and
// routing: exchange bindings (exchange-to-exchange too, each exchange visited once) and the
// alternate-exchange when an exchange routes a message nowhere.
//
// Durable changes (durable exchanges and queues, bindings between durable ends) are written to the
// definitions file before the method is answered (persist()).
import { fieldString, tableGet, type FieldTable } from '../../amqp/index.js';
import type { QueueDefinition, VhostDefinitions } from './definitions-store.js';
import { assertArgsEquivalent, assertFieldEquivalent } from './equivalence.js';
import { Reply, rname } from './errors.js';
import { EXCHANGE_TYPES, Exchange, makeBinding, type BindingDefinition, type ExchangeDefinition, type ExchangeType } from './exchange.js';
import { EQUIVALENCE_ARGS, parseQueueArguments, type QueueArguments } from './queue-arguments.js';
import type { AmqpQueue } from './queue.js';

export interface QueueFactory {
  /** Creates (or, at start, reopens) a queue's log and share-partition. */
  open(vhost: string, def: QueueDefinition, args: QueueArguments): Promise<AmqpQueue>;
  /** Deletes a queue's log and delivery state (durably). */
  destroy(queue: AmqpQueue): Promise<void>;
  /** A new internal topic name for a queue. */
  newTopicName(): string;
}

export interface QueueDeclare {
  queue: string;
  passive: boolean;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
}

/** The predeclared exchanges every vhost has (RabbitMQ's rabbit_exchange:declare_default). */
const PREDECLARED: [string, ExchangeType][] = [
  ['', 'direct'],
  ['amq.direct', 'direct'],
  ['amq.fanout', 'fanout'],
  ['amq.topic', 'topic'],
  ['amq.headers', 'headers'],
  ['amq.match', 'headers'],
];

/** A direct reply-to consumer (RabbitMQ's amq.rabbitmq.reply-to): replies go straight to it. */
export interface ReplyConsumer {
  deliverReply(exchange: string, routingKey: string, properties: Buffer, body: Buffer): void;
}

export const REPLY_TO_QUEUE = 'amq.rabbitmq.reply-to';

/** Exchange lifecycle hooks (Kafka topic exchanges start and stop their readers here). */
export interface ExchangeHooks {
  created(vhost: string, x: Exchange): Promise<void>;
  deleted(vhost: string, x: Exchange): Promise<void>;
}

/**
 * Whether a queue is in the definitions file (restored at start). An exclusive queue is not, even
 * when declared durable (amqplib's default): it belongs to its connection, which a restart ends,
 * and RabbitMQ does not bring it back either. Persisting it would restore it after a crash as an
 * ordinary durable queue that no connection owns and nothing deletes.
 */
function survivesRestart(def: QueueDefinition): boolean {
  return def.durable && !def.exclusive;
}

export class VirtualHost {
  readonly exchanges = new Map<string, Exchange>();
  readonly queues = new Map<string, AmqpQueue>();
  /** Direct reply-to consumers by the token in `amq.rabbitmq.reply-to.<token>`. */
  readonly replyConsumers = new Map<string, ReplyConsumer>();

  constructor(
    readonly name: string,
    private readonly factory: QueueFactory,
    private readonly persist: () => Promise<void>,
    /** Called when a queue is deleted (its consumers are told, its channels forget it). */
    private readonly onQueueDeleted: (queue: AmqpQueue) => void,
    private readonly exchangeHooks: ExchangeHooks,
  ) {
    for (const [name, type] of PREDECLARED) this.exchanges.set(name, new Exchange({ name, type, durable: true, autoDelete: false, internal: false, arguments: [] }));
  }

  /** What the definitions file keeps of this vhost. */
  definitions(): VhostDefinitions {
    const restoredQueue = (n: string): boolean => {
      const q = this.queues.get(n);
      return q !== undefined && survivesRestart(q.def);
    };
    const durableExchange = (n: string): boolean => this.exchanges.get(n)?.def.durable ?? false;
    const bindings: BindingDefinition[] = [];
    for (const x of this.exchanges.values()) {
      if (!x.def.durable) continue;
      for (const b of x.bindings) {
        if (b.destinationKind === 'queue' ? restoredQueue(b.destination) : durableExchange(b.destination)) {
          bindings.push({ source: b.source, destinationKind: b.destinationKind, destination: b.destination, routingKey: b.routingKey, arguments: b.arguments });
        }
      }
    }
    return {
      name: this.name,
      exchanges: [...this.exchanges.values()].filter((x) => x.def.durable && !PREDECLARED.some(([n]) => n === x.name)).map((x) => x.def),
      queues: [...this.queues.values()].filter((q) => survivesRestart(q.def)).map((q) => q.def),
      bindings,
    };
  }

  /** Restores durable definitions at start (queues are opened by the caller). */
  restoreExchange(def: ExchangeDefinition): void {
    this.exchanges.set(def.name, new Exchange(def));
  }

  restoreBinding(d: BindingDefinition): void {
    const x = this.exchanges.get(d.source);
    if (x) x.add(makeBinding(d, x.def.type));
  }

  // ---- exchanges ----

  exchange(name: string): Exchange {
    const x = this.exchanges.get(name);
    if (!x) throw Reply.notFound(`no ${rname('exchange', name, this.name)}`);
    return x;
  }

  async declareExchange(def: ExchangeDefinition, passive: boolean, rawType: string): Promise<void> {
    if (def.name === '') throw Reply.accessRefused('operation not permitted on the default exchange');
    if (passive) {
      this.exchange(def.name);
      return;
    }
    if (!EXCHANGE_TYPES.includes(rawType as ExchangeType)) throw Reply.commandInvalid(`invalid exchange type '${rawType}'`);
    const existing = this.exchanges.get(def.name);
    if (!existing) {
      if (def.name.startsWith('amq.')) throw Reply.accessRefused(`exchange name '${def.name}' contains reserved prefix 'amq.*'`);
      const x = new Exchange(def);
      await this.exchangeHooks.created(this.name, x);
      this.exchanges.set(def.name, x);
      if (def.durable) await this.persist();
      return;
    }
    const cur = existing.def;
    assertFieldEquivalent('exchange', def.name, this.name, 'type', def.type, cur.type);
    assertFieldEquivalent('exchange', def.name, this.name, 'durable', def.durable, cur.durable);
    assertFieldEquivalent('exchange', def.name, this.name, 'auto_delete', def.autoDelete, cur.autoDelete);
    assertFieldEquivalent('exchange', def.name, this.name, 'internal', def.internal, cur.internal);
    assertArgsEquivalent('exchange', def.name, this.name, def.arguments, cur.arguments, ['alternate-exchange', 'x-kafka-topic']);
  }

  async deleteExchange(name: string, ifUnused: boolean): Promise<void> {
    if (name === '') throw Reply.accessRefused('operation not permitted on the default exchange');
    if (name.startsWith('amq.')) throw Reply.accessRefused(`exchange name '${name}' contains reserved prefix 'amq.*'`);
    const x = this.exchanges.get(name);
    if (!x) return;
    if (ifUnused && x.bindingCount > 0) throw Reply.preconditionFailed(`${rname('exchange', name, this.name)} in use`);
    await this.removeExchange(x);
  }

  private async removeExchange(x: Exchange): Promise<void> {
    this.exchanges.delete(x.name);
    await this.exchangeHooks.deleted(this.name, x);
    // Bindings with it as destination go too.
    const cascade: Exchange[] = [];
    for (const other of this.exchanges.values()) {
      for (const b of [...other.bindings]) if (b.destinationKind === 'exchange' && b.destination === x.name) other.remove(b.id);
      if (other.def.autoDelete && other.bindingCount === 0 && other !== x) cascade.push(other);
    }
    if (x.def.durable) await this.persist();
    for (const c of cascade) if (this.exchanges.get(c.name) === c) await this.removeExchange(c);
  }

  // ---- queues ----

  queue(name: string, connection: unknown): AmqpQueue {
    const q = this.queues.get(name);
    if (!q) throw Reply.notFound(`no ${rname('queue', name, this.name)}`);
    this.checkExclusive(q, connection);
    return q;
  }

  private checkExclusive(q: AmqpQueue, connection: unknown): void {
    if (q.exclusiveOwner !== null && q.exclusiveOwner !== connection) {
      throw Reply.resourceLocked(`cannot obtain exclusive access to locked ${rname('queue', q.name, this.name)}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`);
    }
  }

  async declareQueue(m: QueueDeclare, connection: unknown): Promise<AmqpQueue> {
    const existing = this.queues.get(m.queue);
    if (m.passive) {
      if (!existing) throw Reply.notFound(`no ${rname('queue', m.queue, this.name)}`);
      this.checkExclusive(existing, connection);
      return existing;
    }
    if (existing) {
      this.checkExclusive(existing, connection);
      const cur = existing.def;
      assertFieldEquivalent('queue', m.queue, this.name, 'durable', m.durable, cur.durable);
      assertFieldEquivalent('queue', m.queue, this.name, 'auto_delete', m.autoDelete, cur.autoDelete);
      if (m.exclusive !== cur.exclusive) this.checkExclusive({ exclusiveOwner: {}, name: m.queue } as AmqpQueue, connection);
      assertArgsEquivalent('queue', m.queue, this.name, m.arguments, cur.arguments, EQUIVALENCE_ARGS);
      existing.touch();
      return existing;
    }
    if (m.queue.startsWith('amq.') && !m.queue.startsWith('amq.gen-')) throw Reply.accessRefused(`queue name '${m.queue}' contains reserved prefix 'amq.*'`);
    const args = parseQueueArguments(m.arguments, m.queue, this.name);
    // Quorum and stream queues are always durable in RabbitMQ; exclusive ones are refused.
    if (args.type !== 'classic' && (!m.durable || m.exclusive || m.autoDelete)) {
      const field = !m.durable ? 'non-durable' : m.exclusive ? 'exclusive' : 'auto-delete';
      throw Reply.preconditionFailed(`invalid property '${field}' for ${rname('queue', m.queue, this.name)}`);
    }
    const def: QueueDefinition = { name: m.queue, topic: this.factory.newTopicName(), type: args.type, durable: m.durable, exclusive: m.exclusive, autoDelete: m.autoDelete, arguments: m.arguments };
    const q = await this.factory.open(this.name, def, args);
    if (m.exclusive) q.exclusiveOwner = connection;
    this.queues.set(m.queue, q);
    // Every queue is bound to the default exchange by its name (implicitly, as in RabbitMQ).
    if (survivesRestart(def)) await this.persist();
    return q;
  }

  async deleteQueue(name: string, ifUnused: boolean, ifEmpty: boolean, connection: unknown): Promise<number> {
    const q = this.queues.get(name);
    if (!q) return 0;
    this.checkExclusive(q, connection);
    if (ifUnused && q.consumers.length > 0) throw Reply.preconditionFailed(`${rname('queue', name, this.name)} in use`);
    const count = q.readyCount();
    if (ifEmpty && count > 0) throw Reply.preconditionFailed(`${rname('queue', name, this.name)} not empty`);
    await this.removeQueue(q);
    return count;
  }

  /** Deletes a queue: its bindings, its consumers (told by the callback), its log and state. */
  async removeQueue(q: AmqpQueue): Promise<void> {
    if (this.queues.get(q.name) !== q) return;
    this.queues.delete(q.name);
    q.stop();
    const emptied: Exchange[] = [];
    for (const x of this.exchanges.values()) {
      let removed = false;
      for (const b of [...x.bindings]) {
        if (b.destinationKind === 'queue' && b.destination === q.name) {
          x.remove(b.id);
          removed = true;
        }
      }
      if (removed && x.def.autoDelete && x.bindingCount === 0) emptied.push(x);
    }
    this.onQueueDeleted(q);
    if (survivesRestart(q.def)) await this.persist();
    await this.factory.destroy(q);
    for (const x of emptied) if (this.exchanges.get(x.name) === x) await this.removeExchange(x);
  }

  // ---- bindings ----

  async bind(d: BindingDefinition, connection: unknown): Promise<void> {
    if (d.source === '' || (d.destinationKind === 'exchange' && d.destination === '')) throw Reply.accessRefused('operation not permitted on the default exchange');
    const source = this.exchange(d.source);
    const durableDestination = d.destinationKind === 'queue' ? survivesRestart(this.queue(d.destination, connection).def) : this.exchange(d.destination).def.durable;
    if (source.add(makeBinding(d, source.def.type)) && source.def.durable && durableDestination) await this.persist();
  }

  async unbind(d: BindingDefinition, connection: unknown): Promise<void> {
    if (d.source === '' || (d.destinationKind === 'exchange' && d.destination === '')) throw Reply.accessRefused('operation not permitted on the default exchange');
    const source = this.exchanges.get(d.source);
    if (d.destinationKind === 'queue') {
      const q = this.queues.get(d.destination);
      if (q) this.checkExclusive(q, connection);
    }
    if (!source) return;
    const removed = source.remove(makeBinding(d, source.def.type).id);
    if (!removed) return;
    if (source.def.durable) await this.persist();
    if (source.def.autoDelete && source.bindingCount === 0) await this.removeExchange(source);
  }

  // ---- routing ----

  /**
   * The queues a message published to `exchange` reaches. `headers` is decoded only when a headers
   * exchange is on the way. Exchanges are visited once (cycles of exchange bindings end).
   */
  route(exchange: Exchange, routingKey: string, headers: () => FieldTable | undefined): Set<AmqpQueue> {
    const out = new Set<AmqpQueue>();
    const visited = new Set<string>();
    this.routeInto(exchange, routingKey, headers, out, visited);
    return out;
  }

  private routeInto(x: Exchange, routingKey: string, headers: () => FieldTable | undefined, out: Set<AmqpQueue>, visited: Set<string>): void {
    if (visited.has(x.name)) return;
    visited.add(x.name);
    const before = out.size;
    if (x.name === '') {
      const q = this.queues.get(routingKey);
      if (q) out.add(q);
    } else {
      for (const b of x.match(routingKey, headers)) {
        if (b.destinationKind === 'queue') {
          const q = this.queues.get(b.destination);
          if (q) out.add(q);
        } else {
          const next = this.exchanges.get(b.destination);
          if (next) this.routeInto(next, routingKey, headers, out, visited);
        }
      }
    }
    if (out.size === before) {
      const ae = fieldString(tableGet(x.def.arguments, 'alternate-exchange'));
      const alt = ae !== undefined ? this.exchanges.get(ae) : undefined;
      if (alt) this.routeInto(alt, routingKey, headers, out, visited);
    }
  }
}
