// The AMQP 0-9-1 front door of the broker: the listener, virtual hosts with their exchanges,
// queues and bindings (durable ones restored from the definitions file), and the queue engine
// instance that holds AMQP queues' delivery state. It uses storage and the queue engine directly;
// it does not go through the Kafka protocol.
//
// Each queue is one partition of an internal topic `__amqp.q.<random>` plus one share-partition
// keyed (that topic's name, its topic id, 0) in the delivery-state log `__amqp_queue_state` (the
// share-group state log format, docs/queues.md). At start, queue topics that no durable queue
// names (transient and exclusive queues of the previous run) are deleted with their state, as
// RabbitMQ drops non-durable queues on restart. Consumed messages are trimmed from queue logs
// (DeleteRecords below the share-partition start) by a maintenance timer.
import type { ResourceAlarm } from '../limits/resource-alarm.js';
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import { prepareAmqpsReload, startAmqpsListener } from './tls-listener.js';
import type { FileSystem } from '../../storage/index.js';
import { LazyInternalTopic } from '../groups/lazy-internal-topic.js';
import { QueueEngine, ShareStateLog, SHARE_STATE_TOPIC_CONFIGS, StatePersister, type DeliveryPolicy, type PartitionBinding } from '../queues/index.js';
import type { BrokerService, ServiceDeps } from '../service.js';
import { topicIdToWire } from '../topics/topic-ids.js';
import { ConfigAuthenticator, parseUsers, type AmqpAuthenticator, type SharedUsers } from './auth.js';
import { AmqpConnection } from './connection.js';
import { AmqpDeadLetterSink, deadLetteredCopy } from './dead-lettering.js';
import { DefinitionsStore, type QueueDefinition } from './definitions-store.js';
import { parseQueueArguments, type QueueArguments } from './queue-arguments.js';
import { AmqpQueue } from './queue.js';
import { levelTopic, PriorityQueue } from './priority-queue.js';
import { VirtualHost, type QueueFactory } from './vhost.js';
import type { AmqpMessage } from './message-record.js';
import { decodeProperties, fieldString, longstrValue, tableGet } from '../../amqp/index.js';
import type { PartitionLog } from '../../storage/index.js';
import { Reply, rname } from './errors.js';
import type { Exchange } from './exchange.js';
import { KafkaTopicBridge, bridgeOwner } from './kafka-topic-exchange.js';

export const AMQP_STATE_TOPIC = '__amqp_queue_state';
/**
 * basic.ack is written to the state log without waiting for fdatasync (no reply waits for it);
 * flush.ms bounds how long such acks stay unsynced (a power failure may redeliver them, as RabbitMQ may).
 */
export const AMQP_STATE_TOPIC_CONFIGS: Record<string, string> = { ...SHARE_STATE_TOPIC_CONFIGS, 'flush.ms': '1000' };
export const QUEUE_TOPIC_PREFIX = '__amqp.q.';
const QUEUE_TOPIC_CONFIGS: Record<string, string> = {
  'cleanup.policy': 'delete',
  'retention.ms': '-1',
  'retention.bytes': '-1',
  'max.message.bytes': String(512 * 1024 * 1024 + 1024),
  'segment.bytes': String(256 * 1024 * 1024),
  'compression.type': 'producer',
  'message.timestamp.type': 'CreateTime',
};

export interface AmqpServerDeps extends ServiceDeps {
  fs: FileSystem;
  dataDir: string;
  host: string;
  port: number;
  authenticator?: AmqpAuthenticator;
  /** The broker's users (`brook user create`), accepted beside brook.amqp.users. */
  users?: SharedUsers;
  /** The broker-wide resource alarm (src/broker/limits): connection.blocked follows it. */
  alarm?: ResourceAlarm | undefined;
}

export class AmqpServer implements BrokerService {
  readonly vhosts = new Map<string, VirtualHost>();
  readonly connections = new Set<AmqpConnection>();
  engine!: QueueEngine;
  port = 0;
  private server: Server | null = null;
  private readonly store: DefinitionsStore;
  private readonly byOwner = new Map<string, AmqpQueue>();
  private maintenance: NodeJS.Timeout | null = null;
  private unsubscribeAlarm: (() => void) | null = null;
  private readonly now = (): number => Date.now();

  constructor(private readonly deps: AmqpServerDeps) {
    this.store = new DefinitionsStore(deps.fs, deps.dataDir);
  }

  async start(): Promise<void> {
    const { config, topics, logs, logger } = this.deps;
    const existing = topics.get(AMQP_STATE_TOPIC);
    const partitions = existing?.partitions ?? 4;
    const stateTopic = new LazyInternalTopic(topics, AMQP_STATE_TOPIC, partitions, AMQP_STATE_TOPIC_CONFIGS, logger);
    const stateLog = new ShareStateLog(logs, partitions, () => stateTopic.ensure(), AMQP_STATE_TOPIC);
    const persister = new StatePersister(stateLog, 500, this.now);
    const sink = new AmqpDeadLetterSink({ queueByOwner: (o) => this.byOwner.get(o), republish: (q, x, rk, m) => this.republish(q, x, rk, m) }, this.now);
    this.engine = new QueueEngine({ persister, deadLetters: sink, logger: logger.child({ component: 'amqp-queues' }), now: this.now });
    await this.engine.start(existing !== undefined);

    const stored = await this.store.load();
    const names = (config.get('brook.amqp.vhosts') ?? '/').split(',').map((s) => s.trim()).filter(Boolean);
    for (const name of new Set([...names, ...stored.map((v) => v.name)])) this.vhosts.set(name, this.newVhost(name));
    const keep = new Set<string>();
    for (const v of stored) {
      const vhost = this.vhosts.get(v.name)!;
      for (const x of v.exchanges) vhost.restoreExchange(x);
      for (const q of v.queues) {
        keep.add(q.topic);
        try {
          const args = parseQueueArguments(q.arguments, q.name, v.name);
          const opened = await this.factory.open(v.name, q, args);
          vhost.queues.set(q.name, opened);
          if (opened instanceof PriorityQueue) for (const level of opened.upperLevels()) keep.add(level.def.topic);
        } catch (e) {
          logger.error('could not reopen AMQP queue', { vhost: v.name, queue: q.name, error: String(e) });
        }
      }
      for (const b of v.bindings) vhost.restoreBinding(b);
    }
    // Queues of the previous run that were not durable go, with their delivery state.
    for (const t of topics.list()) {
      if (t.name.startsWith(QUEUE_TOPIC_PREFIX) && !keep.has(t.name)) await topics.deleteInternal(t.name).catch(() => {});
    }
    for (const v of this.vhosts.values()) {
      for (const x of v.exchanges.values()) {
        await this.startBridge(v.name, x).catch((e: unknown) => logger.error('could not start a Kafka topic exchange', { vhost: v.name, exchange: x.name, error: String(e) }));
      }
    }
    await this.declareConfiguredTopicExchanges();
    for (const key of this.engine.keys()) if (!keep.has(key.groupId) && !this.bridges.has(key.groupId)) await this.engine.delete(key).catch(() => {});
    for (const v of this.vhosts.values()) for (const q of v.queues.values()) q.start();

    if (this.deps.alarm) this.unsubscribeAlarm = this.deps.alarm.subscribe(() => {
      for (const c of this.connections) c.alarmChanged();
    });
    this.maintenance = setInterval(() => void this.trimLogs(), 5000);
    this.maintenance.unref();
    await this.listen();
  }

  private authenticator(): AmqpAuthenticator {
    return this.deps.authenticator ?? new ConfigAuthenticator(parseUsers(this.deps.config.get('brook.amqp.users') ?? ''), this.deps.config.getBoolean('brook.amqp.guest.loopback.only'), this.deps.users ?? null);
  }

  private async listen(): Promise<void> {
    const { config, logger } = this.deps;
    const authenticator = this.authenticator();
    const limits = {
      channelMax: config.getNumber('brook.amqp.channel.max'),
      frameMax: config.getNumber('brook.amqp.frame.max'),
      heartbeatSeconds: config.getNumber('brook.amqp.heartbeat'),
      maxMessageBytes: config.getNumber('brook.amqp.max.message.bytes'),
      consumerTimeoutMs: config.getNumber('brook.amqp.consumer.timeout.ms'),
    };
    const onSocket = (socket: Socket): void => {
      const c = new AmqpConnection(socket, {
        authenticator,
        users: this.deps.users,
        vhost: (name) => this.vhosts.get(name),
        limits,
        logger: logger.child({ component: 'amqp' }),
        now: this.now,
        blockedReason: () => (this.deps.alarm?.active ? this.deps.alarm.reason : null),
        onClosed: (conn) => this.onConnectionClosed(conn),
      });
      this.connections.add(c);
    };
    const server = createServer(onSocket);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : this.deps.port;
    logger.info('AMQP listener started', { listener: `${this.deps.host}:${this.port}` });
    const tlsPort = config.get('brook.amqp.tls.port');
    if (tlsPort !== null) {
      this.tlsServer = await startAmqpsListener(config, this.deps.host, Number(tlsPort), onSocket, logger);
      const a = this.tlsServer.address();
      this.tlsPort = typeof a === 'object' && a ? a.port : Number(tlsPort);
      logger.info('AMQPS listener started', { listener: `${this.deps.host}:${this.tlsPort}` });
    }
  }

  /** The AMQPS (TLS) listener's port, when brook.amqp.tls.port is set. */
  tlsPort: number | null = null;
  private tlsServer: TlsServer | null = null;

  /** The AMQPS listener's certificate reload (Broker.reloadTlsCertificates), or null without one. */
  prepareTlsReload(): (() => void) | null {
    return this.tlsServer ? prepareAmqpsReload(this.deps.config, this.tlsServer) : null;
  }

  async close(): Promise<void> {
    if (this.maintenance) clearInterval(this.maintenance);
    this.unsubscribeAlarm?.();
    const server = this.server;
    this.server = null;
    // Stop accepting, then close the open connections: server.close() only calls back once every
    // connection has ended, so awaiting it first waited for clients to leave by themselves.
    const tlsServer = this.tlsServer;
    this.tlsServer = null;
    const stopped = Promise.all([server, tlsServer].filter((s) => s !== null).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const c of [...this.connections]) c.forceClose();
    await stopped;
    for (const v of this.vhosts.values()) for (const q of v.queues.values()) q.stop();
    for (const b of this.bridges.values()) b.stop();
    await this.engine?.close();
  }

  private newVhost(name: string): VirtualHost {
    return new VirtualHost(
      name,
      this.factory,
      () => this.store.save(() => [...this.vhosts.values()].map((v) => v.definitions())),
      (q) => this.onQueueDeleted(q),
      { created: (v, x) => this.startBridge(v, x), deleted: (v, x) => this.stopBridge(v, x) },
    );
  }

  private readonly bridges = new Map<string, KafkaTopicBridge>();

  /** An exchange with x-kafka-topic: its reader starts (the topic must exist). */
  private async startBridge(vhost: string, x: Exchange): Promise<void> {
    const topic = fieldString(tableGet(x.def.arguments, 'x-kafka-topic'));
    if (topic === undefined) return;
    const info = this.deps.topics.get(topic);
    if (!info) throw Reply.preconditionFailed(`invalid arg 'x-kafka-topic' for ${rname('exchange', x.name, vhost)}: no Kafka topic '${topic}'`);
    const logs: PartitionLog[] = [];
    for (let p = 0; p < info.partitions; p++) {
      const log = this.deps.logs.getLog(topic, p);
      if (log) logs.push(log);
    }
    const owner = bridgeOwner(vhost, x.name);
    const bridge = new KafkaTopicBridge(owner, x, topic, { topicId: topicIdToWire(info.topicId), logs }, {
      engine: this.engine,
      logger: this.deps.logger.child({ component: 'amqp' }),
      now: this.now,
      route: (ex, routingKey, properties) => this.vhosts.get(vhost)!.route(ex, routingKey, () => decodeProperties(properties).headers),
    });
    await bridge.start();
    this.bridges.set(owner, bridge);
    x.kafka = bridge;
  }

  private async stopBridge(vhost: string, x: Exchange): Promise<void> {
    const owner = bridgeOwner(vhost, x.name);
    const bridge = this.bridges.get(owner);
    if (!bridge) return;
    this.bridges.delete(owner);
    x.kafka = null;
    await bridge.forget();
  }

  /** brook.amqp.topic.exchanges: "exchange=topic,..." declared (durable, type topic) in vhost '/' at start. */
  private async declareConfiguredTopicExchanges(): Promise<void> {
    const spec = this.deps.config.get('brook.amqp.topic.exchanges') ?? '';
    const vhost = this.vhosts.get('/');
    if (!vhost) return;
    for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, topic] = item.split('=');
      if (!name || !topic) {
        this.deps.logger.warn('ignoring a malformed brook.amqp.topic.exchanges entry', { entry: item });
        continue;
      }
      if (vhost.exchanges.has(name)) continue;
      try {
        await vhost.declareExchange({ name, type: 'topic', durable: true, autoDelete: false, internal: false, arguments: [['x-kafka-topic', longstrValue(topic)]] }, false, 'topic');
      } catch (e) {
        this.deps.logger.warn('could not declare a Kafka topic exchange', { exchange: name, topic, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private onConnectionClosed(conn: AmqpConnection): void {
    this.connections.delete(conn);
    for (const v of this.vhosts.values()) {
      for (const q of [...v.queues.values()]) if (q.exclusiveOwner === conn) void v.removeQueue(q).catch((e: unknown) => this.deps.logger.warn('deleting exclusive queue failed', { queue: q.name, error: String(e) }));
    }
  }

  private onQueueDeleted(q: AmqpQueue): void {
    this.byOwner.delete(q.owner);
    if (q instanceof PriorityQueue) for (const level of q.upperLevels()) this.byOwner.delete(level.owner);
    for (const c of [...q.streamConsumers]) {
      c.cancelByServer();
      q.removeConsumer(c);
    }
    for (const c of [...q.consumers]) {
      const consumer = c as unknown as { channel?: { serverCancel(c: unknown): void } };
      consumer.channel?.serverCancel(c);
      q.removeConsumer(c);
    }
  }

  private policy(args: QueueArguments): DeliveryPolicy {
    return {
      lockDurationMs: lockDuration(args.consumerTimeout ?? this.deps.config.getNumber('brook.amqp.consumer.timeout.ms')),
      deliveryLimit: args.deliveryLimit !== undefined && args.deliveryLimit > 0 ? args.deliveryLimit : Infinity,
      maxInFlight: Number.MAX_SAFE_INTEGER,
      renewEnabled: false,
      deadLetter: false,
    };
  }

  readonly factory: QueueFactory = {
    newTopicName: () => `${QUEUE_TOPIC_PREFIX}${randomBytes(8).toString('hex')}`,
    open: async (vhost: string, def: QueueDefinition, args: QueueArguments): Promise<AmqpQueue> => {
      if (args.maxPriority === undefined || args.type === 'stream') return this.openQueue(vhost, def, args, AmqpQueue);
      // A priority queue: one backing queue per level (priority-queue.ts), level 0 being the queue itself.
      const q = (await this.openQueue(vhost, def, args, PriorityQueue)) as PriorityQueue;
      const upper: AmqpQueue[] = [];
      for (let level = 1; level <= args.maxPriority; level++) upper.push(await this.openQueue(vhost, { ...def, topic: levelTopic(def.topic, level) }, args, AmqpQueue));
      q.attachLevels(upper);
      return q;
    },
    destroy: async (q: AmqpQueue): Promise<void> => {
      if (q instanceof PriorityQueue) for (const level of q.upperLevels()) await this.destroyQueue(level);
      await this.destroyQueue(q);
    },
  };

  private async openQueue(vhost: string, def: QueueDefinition, args: QueueArguments, Kind: typeof AmqpQueue): Promise<AmqpQueue> {
      const info = await this.deps.topics.ensureInternal(def.topic, 1, queueTopicConfigs(args));
      const log = this.deps.logs.getLog(def.topic, 0);
      if (!log) throw new Error(`queue log ${def.topic} is not open`);
      const binding: PartitionBinding = {
        owner: def.topic,
        topic: def.topic,
        partition: 0,
        log,
        policy: () => this.policy(args),
        deadLetter: () => (args.deadLetterExchange !== undefined ? { topic: def.topic, copyRecord: true } : null),
      };
      const slot = await this.engine.open({ groupId: def.topic, topicId: topicIdToWire(info.topicId), partition: 0 }, binding, async () => log.logStartOffset);
      const q = new Kind(vhost, def, args, log, slot, this.engine, {
        now: this.now,
        logger: this.deps.logger.child({ component: 'amqp' }),
        onIdle: (queue, why) => this.onIdle(queue, why),
        onRefused: (queue, m) => this.deadLetterRefused(queue, m),
      });
      this.byOwner.set(def.topic, q);
      return q;
  }

  private async destroyQueue(q: AmqpQueue): Promise<void> {
      this.byOwner.delete(q.owner);
      await this.engine.delete(q.slot.key).catch(() => {});
      await this.deps.topics.deleteInternal(q.def.topic);
  }

  private onIdle(q: AmqpQueue, why: string): void {
    const v = this.vhosts.get(q.vhost);
    if (!v) return;
    this.deps.logger.info('deleting idle AMQP queue', { vhost: q.vhost, queue: q.name, why });
    void v.removeQueue(q).catch((e: unknown) => this.deps.logger.warn('deleting queue failed', { queue: q.name, error: String(e) }));
  }

  /** x-overflow=reject-publish-dlx: the refused message goes to the dead-letter exchange (RabbitMQ: reason maxlen). */
  private deadLetterRefused(q: AmqpQueue, m: AmqpMessage): void {
    const dlx = q.args.deadLetterExchange;
    if (dlx === undefined) return;
    // A copy refused in turn by a full target is dropped, not dead-lettered again: a DLX routing
    // back to a full queue would otherwise loop (republish reaches the targets' publish synchronously).
    if (this.refusing) return;
    const copy = deadLetteredCopy(q, dlx, m, 'maxlen', this.now());
    this.refusing = true;
    try {
      this.republish(q, dlx, copy.routingKey, copy).catch((e: unknown) => this.deps.logger.warn('dead-lettering a refused message failed', { queue: q.name, error: String(e) }));
    } finally {
      this.refusing = false;
    }
  }
  private refusing = false;

  /** Dead-lettered messages re-enter routing at the dead-letter exchange; resolves once durable. */
  private async republish(source: AmqpQueue, exchange: string, routingKey: string, m: AmqpMessage): Promise<void> {
    const v = this.vhosts.get(source.vhost);
    const x = v?.exchanges.get(exchange);
    if (!v || !x) return;
    const targets = v.route(x, routingKey, () => undefined);
    await Promise.all([...targets].map((q) => q.publishAsync(m, true).catch((e: unknown) => {
      // A queue refusing it (x-overflow reject-publish) drops this copy, as RabbitMQ does.
      if (!(e instanceof Error && e.message.startsWith('rejected'))) throw e;
    })));
  }

  /** Drops consumed messages from queue logs (whole segments below the share-partition start). */
  private async trimLogs(): Promise<void> {
    for (const v of this.vhosts.values()) {
      for (const q of [...v.queues.values()].flatMap((p) => (p instanceof PriorityQueue ? [p, ...p.upperLevels()] : [p]))) {
        const start = q.slot.sp.startOffset;
        if (start > q.log.logStartOffset && !q.log.isClosed) await q.log.deleteRecordsBefore(start).catch(() => 0);
      }
    }
  }
}

/**
 * The engine's acquisition lock: only a backstop. The delivery acknowledgement timeout itself is the
 * channel's (ack-timeout.ts: it closes the channel, which requeues); the lock outlives it by a
 * minute so it never requeues a message behind a channel that still holds it.
 */
function lockDuration(consumerTimeoutMs: number): number {
  return consumerTimeoutMs > 0 ? consumerTimeoutMs + 60_000 : 0x7fffffff;
}

/** A queue log's topic configs; a stream queue's retention arguments become the log's retention. */
function queueTopicConfigs(args: QueueArguments): Record<string, string> {
  const r = args.streamRetention;
  if (!r) return QUEUE_TOPIC_CONFIGS;
  const configs = { ...QUEUE_TOPIC_CONFIGS };
  if (r.maxAgeMs !== undefined) configs['retention.ms'] = String(r.maxAgeMs);
  if (r.maxBytes !== undefined) configs['retention.bytes'] = String(r.maxBytes);
  if (r.segmentBytes !== undefined) configs['segment.bytes'] = String(Math.max(14, Math.min(r.segmentBytes, 0x7fffffff)));
  return configs;
}
