// The MQTT front door of the broker (docs/mqtt.md): a TCP listener speaking MQTT 3.1.1 and 5.0, and
// `acceptStream()` for any other byte stream (the HTTP server's WebSocket upgrades at /mqtt,
// websocket.ts). Like the Kafka handlers and the AMQP server, it works on storage directly:
//
//   PUBLISH  -> publisher.ts -> log-appender.ts -> the Kafka topic the MQTT topic maps to
//                            -> retained-store.ts (__mqtt_retained) when RETAIN
//   log      -> log-tailer.ts (every mapped partition, whoever wrote to it) -> router.ts -> sessions
//            -> shared-subscriptions.ts (queue engine, __mqtt_shared_state) -> one member each
//   sessions -> session-registry.ts, persisted in __mqtt_sessions (session-store.ts)
//
// Start order: stores loaded, persistent sessions restored with their queues, the tailer resumed
// from the positions it had handed out, then the listener opens. Close: the listener stops, 5.0
// clients are told the server is shutting down (DISCONNECT 0x8B), appends in progress finish, state
// is fsynced.
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { QoS } from '../../mqtt/index.js';
import { LazyInternalTopic } from '../groups/lazy-internal-topic.js';
import { DeadLetterWriter, QueueEngine, SHARE_STATE_TOPIC_CONFIGS, ShareStateLog, StatePersister } from '../queues/index.js';
import type { BrokerService, ServiceDeps } from '../service.js';
import { ConfigAuthenticator, parseMqttUsers, type MqttAuthenticator, type SharedUsers } from './auth.js';
import { forEachMessage } from './batch-messages.js';
import { DecodedBatches } from './decoded-batches.js';
import { KeyedStateLog } from './keyed-state-log.js';
import { LogAppender } from './log-appender.js';
import { LogTailer } from './log-tailer.js';
import type { MqttMessage } from './message-record.js';
import { mqttSettings, type MqttSettings } from './mqtt-config.js';
import type { ConnectionServices } from './connection-port.js';
import { MqttConnection } from './mqtt-connection.js';
import { Publisher } from './publisher.js';
import { RetainedStore } from './retained-store.js';
import { Router, splitFilter } from './router.js';
import type { Delivery } from './session.js';
import { SessionRegistry } from './session-registry.js';
import { SessionStore, positionKey } from './session-store.js';
import { SHARED_STATE_TOPIC, SharedSubscriptions } from './shared-subscriptions.js';
import { TopicMapping, parseTopicMappings } from './topic-mapping.js';
import { MqttAcl } from './mqtt-acl.js';

export const SESSIONS_TOPIC = '__mqtt_sessions';
export const RETAINED_TOPIC = '__mqtt_retained';

export interface MqttServerDeps extends ServiceDeps {
  host: string;
  /** 0 picks a free port. */
  port: number;
  authenticator?: MqttAuthenticator;
  /** The broker's users (`brook user create`), accepted beside brook.mqtt.users. */
  users?: SharedUsers;
}

export class MqttServer implements BrokerService {
  readonly settings: MqttSettings;
  readonly mapping: TopicMapping;
  readonly registry: SessionRegistry;
  readonly router: Router;
  readonly retained: RetainedStore;
  readonly shared: SharedSubscriptions;
  port = 0;
  private readonly connections = new Set<MqttConnection>();
  private readonly decoded = new DecodedBatches();
  private readonly appender: LogAppender;
  private readonly tailer: LogTailer;
  private readonly store: SessionStore;
  private readonly sessionsLog: KeyedStateLog;
  private readonly retainedLog: KeyedStateLog;
  private readonly engine: QueueEngine;
  private readonly stateTopic: LazyInternalTopic;
  private readonly services: ConnectionServices;
  private server: Server | null = null;
  private nextId = 1;
  private maintenance: NodeJS.Timeout | null = null;
  private positions = new Map<string, { topic: string; partition: number; next: number }>();
  private loadedPositions = new Map<string, number>();
  private positionsScheduled = false;

  constructor(private readonly deps: MqttServerDeps) {
    const { config, topics, logs, logger } = deps;
    this.settings = mqttSettings(config);
    this.mapping = new TopicMapping(parseTopicMappings(this.settings.mappings), this.settings.defaultTopic);
    const kafkaQos = this.settings.kafkaQos as QoS;
    this.sessionsLog = new KeyedStateLog(topics, logs, SESSIONS_TOPIC, logger);
    this.retainedLog = new KeyedStateLog(topics, logs, RETAINED_TOPIC, logger);
    this.store = new SessionStore(this.sessionsLog, logger, splitFilter);
    this.retained = new RetainedStore(this.retainedLog, logger);
    this.stateTopic = new LazyInternalTopic(topics, SHARED_STATE_TOPIC, 1, SHARE_STATE_TOPIC_CONFIGS, logger);
    const now = (): number => Date.now();
    const stateLog = new ShareStateLog(logs, 1, () => this.stateTopic.ensure(), SHARED_STATE_TOPIC);
    this.engine = new QueueEngine({
      persister: new StatePersister(stateLog, 500, now),
      // Shared subscriptions have no dead-letter target: the writer is never asked.
      deadLetters: new DeadLetterWriter({ partitionsOf: () => Promise.resolve(null) }, now),
      logger: logger.child({ component: 'mqtt-shared' }),
      now,
    });
    // Subscribers (and shared subscriptions) follow a topic created by a publish from its first message.
    this.appender = new LogAppender(topics, logs, this.decoded, logger, () => {
      this.tailer.topicCreated();
      void this.shared.refresh().catch((e: unknown) => logger.warn('refreshing shared subscriptions failed', { error: String(e) }));
    });
    this.shared = new SharedSubscriptions({ topics, logs, mapping: this.mapping, decoded: this.decoded, kafkaQos, logger, engine: this.engine });
    const publisher = new Publisher(this.mapping, this.appender, this.retained, logger);
    const acl = new MqttAcl(deps.users ?? null, this.mapping);
    this.registry = new SessionRegistry({
      settings: this.settings,
      store: this.store,
      router: () => this.router,
      shared: this.shared,
      // Checked again when sent (an ACL may have gone since CONNECT); a refused will is dropped and
      // audited, as Mosquitto 2.0 drops it.
      publishWill: (m, author) => {
        if (author === null || acl.mayPublish(author.principal, author.remoteAddress, m.topic)) void publisher.publish(m, m.qos > 0);
      },
      readCheck: acl,
      logger,
    });
    this.router = new Router((id) => this.registry.get(id), this.shared, this.retained);
    this.tailer = new LogTailer({
      topics,
      logs,
      mapping: this.mapping,
      decoded: this.decoded,
      logger,
      kafkaQos,
      hasSubscribers: () => this.router.subscriptionCount > 0,
      route: (m, position) => this.router.route(m, position),
      handedOut: (topic, partition, next) => this.handedOut(topic, partition, next),
      startAt: (topic, partition, log) => {
        const stored = this.loadedPositions.get(positionKey(topic, partition));
        return stored !== undefined && stored >= log.logStartOffset && stored <= log.highWatermark ? stored : log.highWatermark;
      },
    });
    const auth = deps.authenticator ?? new ConfigAuthenticator(parseMqttUsers(this.settings.users), this.settings.allowAnonymous, deps.users ?? null);
    this.services = { settings: this.settings, registry: this.registry, router: this.router, publisher, auth, acl, logger: logger.child({ component: 'mqtt' }) };
  }

  async start(): Promise<void> {
    const { logger } = this.deps;
    const started = Date.now();
    await this.engine.start(this.stateTopic.exists);
    await this.retained.load();
    const loaded = await this.store.load();
    this.loadedPositions = loaded.positions;
    const queued = await this.registry.restore(loaded, (d) => this.messageAt(d));
    await this.shared.dropOrphans();
    // The topics of mapping rules are created up front (an operator named them). The default topic is
    // created by the first message that needs it, so a broker nobody publishes MQTT to has no `mqtt`
    // topic in its listings; subscribers follow it from that first message (the appender's callback).
    for (const topic of this.mapping.allTopics()) {
      if (topic === this.mapping.defaultTopic) continue;
      await this.appender.ensureTopic(topic).catch((e: unknown) => logger.warn('could not create a mapped topic', { topic, error: String(e) }));
    }
    this.tailer.refresh(false);
    this.tailer.drainAll();
    await this.shared.refresh();
    if (loaded.records > 0) logger.info('restored MQTT sessions', { sessions: this.registry.sessions.size, queuedMessages: queued, retained: this.retained.size, ms: Date.now() - started });
    this.maintenance = setInterval(() => {
      this.tailer.topicCreated();
      void this.shared.refresh().catch((e: unknown) => logger.warn('refreshing shared subscriptions failed', { error: String(e) }));
    }, 1000);
    this.maintenance.unref();
    this.server = createServer((socket) => this.acceptSocket(socket));
    this.port = await new Promise<number>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.deps.port, this.deps.host, () => {
        this.server!.off('error', reject);
        const address = this.server!.address();
        resolve(typeof address === 'object' && address ? address.port : this.deps.port);
      });
    });
    logger.info('MQTT listener started', { listener: `${this.deps.host}:${this.port}`, mappings: this.mapping.rules.length, defaultTopic: this.mapping.defaultTopic || '(none)' });
  }

  /** Serves MQTT over any byte stream (a WebSocket's, from the HTTP server); returns the connection. */
  acceptStream(stream: Duplex, remoteAddress: string): MqttConnection {
    const conn = new MqttConnection(stream, this.nextId++, remoteAddress, this.services);
    this.connections.add(conn);
    conn.whenClosed(() => this.connections.delete(conn));
    return conn;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    if (this.maintenance) clearInterval(this.maintenance);
    const closed = this.server ? new Promise<void>((resolve) => this.server!.close(() => resolve())) : Promise.resolve();
    for (const conn of [...this.connections]) conn.shutdown();
    await closed;
    this.tailer.close();
    this.shared.close();
    this.registry.close();
    await this.appender.idle();
    this.flushPositions();
    await this.sessionsLog.sync().catch(() => {});
    await this.retainedLog.sync().catch(() => {});
    await this.engine.close();
  }

  private acceptSocket(socket: Socket): void {
    socket.setNoDelay(true);
    this.acceptStream(socket, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`);
  }

  /** The tailer's progress, recorded (once per turn per partition) while persistent sessions exist. */
  private handedOut(topic: string, partition: number, next: number): void {
    if (!this.registry.hasPersistentSessions) return;
    this.positions.set(positionKey(topic, partition), { topic, partition, next });
    if (this.positionsScheduled) return;
    this.positionsScheduled = true;
    setImmediate(() => this.flushPositions());
  }

  private flushPositions(): void {
    this.positionsScheduled = false;
    for (const p of this.positions.values()) this.store.savePosition(p.topic, p.partition, p.next);
    this.positions.clear();
  }

  /** A restored queued delivery's message, read back from its log (null when the log no longer has it). */
  private async messageAt(d: Delivery): Promise<MqttMessage | null> {
    const pos = d.position!;
    const log = this.deps.logs.getLog(pos.topic, pos.partition);
    if (!log || pos.offset < log.logStartOffset || pos.offset >= log.logEndOffset) return null;
    const r = await log.read(pos.offset, 64 * 1024, { upTo: 'log-end' });
    if (r.kind !== 'records') return null;
    let found: MqttMessage | null = null;
    const ctx = { mapping: this.mapping, decoded: this.decoded, kafkaQos: this.settings.kafkaQos as QoS, logger: this.deps.logger };
    for (const chunk of r.chunks) {
      forEachMessage(ctx, pos.topic, pos.partition, chunk, pos.offset, (m, offset) => {
        if (offset === pos.offset) found = m;
      });
      if (found) break;
    }
    return found;
  }
}
