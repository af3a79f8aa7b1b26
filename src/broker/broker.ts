// The composition root: opens storage, builds the broker's services, binds the listener.
// `Broker.start()` embeds a whole broker in any Node process (tests, examples, `brook start`).
// No protocol logic lives here.
import { LogManager, NodeFileSystem } from '../storage/index.js';
import type { FileSystem } from '../storage/index.js';
import { createLogger, type Logger } from '../util/logger.js';
import type { BrokerEndpoint, BrokerState } from './broker-state.js';
import { loadClusterIdentity } from './cluster-identity.js';
import { BrokerConfig } from './config/broker-config.js';
import { DynamicBrokerConfig } from './config/dynamic-broker-config.js';
import { brokerLogDefaults } from './config/log-defaults.js';
import { handlers } from './handlers/index.js';
import { HandlerTable } from './server/handler-table.js';
import { Listener } from './server/listener.js';
import { TopicService } from './topics/topic-service.js';
import { FetchWaiters } from './fetch/fetch-waiters.js';
import { ReadAhead } from './fetch/read-ahead.js';
import { GroupCoordinator } from './groups/group-coordinator.js';
import { ShareGroupCoordinator } from './groups/share/share-group-coordinator.js';
import { producerStateRebuilder } from './producers/producer-state-rebuilder.js';
import { ProducerStateManager } from './producers/producer-state-manager.js';
import { OrderedValidation, offloadThresholds } from './produce/ordered-validation.js';
import { TransactionCoordinator } from './transactions/transaction-coordinator.js';
import { BrokerResources } from './limits/broker-resources.js';
import { MemoryMonitor } from './limits/memory-monitor.js';
import { BrokerMetrics } from './metrics/broker-metrics.js';
import type { BrokerService, ServiceDeps } from './service.js';
import { ALLOW_EVERYTHING, type Authorizer } from './topics/authorized-operations.js';
import { checkDataDir } from './config/data-dir.js';
import { MqttServer } from './mqtt/mqtt-server.js';
import { AmqpServer } from './amqp/amqp-server.js';
import { bindListeners, type BoundListener } from './security/bind-listeners.js';
import { usesTls } from './security/listeners.js';
import { TlsFileWatch, tlsFilesOf } from './security/tls-file-watch.js';
import { AMQPS_LISTENER } from './amqp/tls-listener.js';
import { BrokerSecurity } from './security/broker-security.js';

export interface BrokerOptions {
  dataDir: string;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port to bind; 0 picks a free one (default 9092). */
  port?: number;
  /** Host advertised to clients in Metadata (default: the bound host, or localhost for 0.0.0.0). */
  advertisedHost?: string;
  /** Kafka broker config by Kafka's names (`num.partitions`, `log.retention.ms`, ...). */
  config?: Record<string, string>;
  logger?: Logger;
  fs?: FileSystem;
  /** What each principal may do (default: the ACL authorizer when authorizer.class.name is set, else everything). */
  authorizer?: Authorizer;
  /** MQTT listen port (0 picks a free one); no MQTT listener when absent or brook.mqtt.enable=false. */
  mqttPort?: number;
  /** When true, an MQTT port already in use leaves MQTT off with a warning instead of failing the start (brook start's default 1883). */
  mqttPortOptional?: boolean;
  /** AMQP 0-9-1 listen port (0 picks a free one); no AMQP listener when absent. */
  amqpPort?: number;
  /** When true, an AMQP port already in use leaves AMQP off with a warning instead of failing the start (brook start's default 5672). */
  amqpPortOptional?: boolean;
}

export class Broker {
  private closing: Promise<void> | null = null;

  private constructor(
    readonly state: BrokerState,
    private readonly services: readonly BrokerService[],
    private readonly bound: readonly BoundListener[],
    readonly port: number,
    readonly host: string,
    /** The MQTT front door, when started with an mqttPort. */
    readonly mqtt: MqttServer | null = null,
    /** The AMQP 0-9-1 front door, when started with an amqpPort. */
    readonly amqp: AmqpServer | null = null,
  ) {}

  /** Bytes held by connections and open connections, for tests and metrics (docs/limits.md). */
  networkStats(): { bufferedBytes: number; connections: number; pausedConnections: number } {
    let paused = 0;
    let connections = 0;
    for (const { listener } of this.bound) {
      connections += listener.open.size;
      for (const c of listener.open) if (c.readingPaused) paused++;
    }
    return { bufferedBytes: this.state.resources.buffered.used, connections, pausedConnections: paused };
  }

  /** Every listener: its name, security protocol, and the host:port clients reach it at (docs/security.md). */
  listeners(): { name: string; protocol: string; host: string; port: number; bootstrap: string }[] {
    return this.bound.map((b) => ({ name: b.spec.name, protocol: b.spec.protocol, host: b.spec.host, port: b.port, bootstrap: `${b.advertised.host}:${b.advertised.port}` }));
  }

  /** host:port clients of one listener bootstrap from (by listener name, e.g. "SSL"). */
  bootstrapOf(listenerName: string): string {
    const b = this.bound.find((x) => x.spec.name === listenerName.toUpperCase());
    if (!b) throw new Error(`no listener named ${listenerName}`);
    return `${b.advertised.host}:${b.advertised.port}`;
  }

  /**
   * Re-reads the key, certificates and truststore of every TLS port (the Kafka listeners and AMQPS);
   * new connections use them, open ones keep theirs. All load or none is changed: a renewed file that
   * does not load throws, and every port keeps serving what it had.
   */
  reloadTlsCertificates(): void {
    const config = this.state.config;
    const apply = [...this.bound.map((b) => b.prepareTlsReload(config)), this.amqp?.prepareTlsReload() ?? null, ...this.tlsReloadHooks.map((h) => h())];
    for (const a of apply) a?.();
  }

  /**
   * Takes part in certificate reloads (brook start's HTTPS gateway): `prepare` reads its files and
   * returns what puts them in service (null: nothing to do), or throws so that no port changes.
   */
  onTlsReload(prepare: () => (() => void) | null): void {
    this.tlsReloadHooks.push(prepare);
  }

  private readonly tlsReloadHooks: (() => (() => void) | null)[] = [];
  private tlsWatch: TlsFileWatch | null = null;

  /** Starts watching the TLS files for renewal (brook.ssl.reload.check.interval.ms). */
  private watchTlsFiles(): void {
    const interval = this.state.config.getNumber('brook.ssl.reload.check.interval.ms');
    const listeners = [...this.bound.filter((b) => usesTls(b.spec.protocol)).map((b) => b.spec.name), ...(this.amqp && this.amqp.tlsPort !== null ? [AMQPS_LISTENER] : []), 'HTTP'];
    const files = interval > 0 ? tlsFilesOf(this.state.config, listeners) : [];
    if (files.length > 0) this.tlsWatch = new TlsFileWatch(files, interval, () => this.reloadTlsCertificates(), this.state.logger.child({ component: 'tls' }));
  }

  /** The MQTT listener's port, or null when MQTT is off. */
  get mqttPort(): number | null {
    return this.mqtt ? this.mqtt.port : null;
  }

  /** The AMQP listener's port, or null when AMQP is off. */
  get amqpPort(): number | null {
    return this.amqp ? this.amqp.port : null;
  }

  get dataDir(): string {
    return this.state.logs.dataDir;
  }

  /** host:port clients should bootstrap from. */
  get bootstrap(): string {
    return `${this.state.advertised.host}:${this.state.advertised.port}`;
  }

  static async start(options: BrokerOptions): Promise<Broker> {
    const logger = options.logger ?? createLogger({ level: 'info' });
    const config = new BrokerConfig(options.config ?? {});
    const fs = options.fs ?? new NodeFileSystem();
    checkDataDir(config, options.dataDir);
    const nodeId = config.getNumber('node.id');
    const identity = await loadClusterIdentity(fs, options.dataDir, nodeId);
    // Persisted dynamic values are loaded before storage opens, so logs start with them.
    const dynamicConfig = new DynamicBrokerConfig(config, fs, options.dataDir, logger.child({ component: 'config' }));
    await dynamicConfig.load();
    const metrics = new BrokerMetrics(new Map(handlers.map((h) => [h.api.apiKey, h.api.name])));
    const logs = await LogManager.open({
      syncObserver: metrics.observeFsync,
      stateRebuilder: producerStateRebuilder,
      dataDir: options.dataDir,
      fs,
      brokerConfig: brokerLogDefaults(config),
      highWatermarkPolicy: config.get('brook.high.watermark.policy') === 'durable' ? 'durable' : 'written',
      logger: logger.child({ component: 'storage' }),
    });
    dynamicConfig.attach(logs);
    const table = new HandlerTable(handlers);
    const host = options.host ?? '127.0.0.1';
    const advertised: BrokerEndpoint = { host: options.advertisedHost ?? advertisedFor(host), port: 0 };
    const listenerConfig = { host, port: options.port ?? 9092, advertisedHost: options.advertisedHost ?? advertisedFor(host) };
    const topics = new TopicService(logs, config, nodeId, logger.child({ component: 'topics' }));
    const deps = (component: string): ServiceDeps => ({ nodeId, config, logs, topics, logger: logger.child({ component }) });
    const producers = new ProducerStateManager(deps('producers'), fs);
    const groups = new GroupCoordinator(deps('groups'), { fs, dataDir: options.dataDir });
    const shareGroups = new ShareGroupCoordinator({ ...deps('share-groups'), fs, dataDir: options.dataDir, classicGroups: groups });
    const resources = new BrokerResources(config);
    const security = await BrokerSecurity.open(config, fs, options.dataDir, logger);
    const state: BrokerState = {
      nodeId,
      clusterId: identity.clusterId,
      advertised,
      config,
      dynamicConfig,
      logs,
      topics,
      logger,
      producers,
      fetchWaiters: new FetchWaiters(deps('fetch')),
      readAhead: new ReadAhead(resources.buffered),
      groups,
      shareGroups,
      transactions: new TransactionCoordinator(deps('transactions'), producers, groups),
      authorizer: options.authorizer ?? security.authorizer ?? ALLOW_EVERYTHING,
      resources,
      security,
      supportedApis: () => table.versions.map((v) => ({ ...v })),
      metrics,
      produceValidation: new OrderedValidation(offloadThresholds(config), logger.child({ component: 'produce-validation' })),
    };
    metrics.attach({ logs, fetchPurgatory: () => state.fetchWaiters.size });
    // Started in this order, closed in reverse, all before storage closes.
    const memory = new MemoryMonitor(config, resources.alarm, logger.child({ component: 'memory' }));
    const services: BrokerService[] = [memory, state.produceValidation, state.producers, state.fetchWaiters, state.readAhead, state.groups, state.shareGroups, state.transactions];
    for (const s of services) await s.start();
    // The broker's users (`brook user create`) log in on the MQTT and AMQP listeners too.
    const sharedUsers = { any: () => security.credentials.list().length > 0, authenticatePassword: (user: string, password: string, via: { protocol: string; client: string }) => security.authenticatePassword(user, password, via), authorize: security.authorize.bind(security), authorizeWithin: security.authorizeWithin.bind(security), aclGeneration: () => security.acls.version };
    let mqtt = options.mqttPort !== undefined && config.getBoolean('brook.mqtt.enable') ? new MqttServer({ ...deps('mqtt'), host, port: options.mqttPort, users: sharedUsers }) : null;
    if (mqtt) {
      try {
        await mqtt.start();
        services.push(mqtt);
      } catch (e) {
        await mqtt.close().catch(() => {});
        mqtt = null;
        if (!(options.mqttPortOptional && (e as NodeJS.ErrnoException).code === 'EADDRINUSE')) {
          for (const s of [...services].reverse()) await s.close();
          await logs.close();
          throw e;
        }
        // A default port taken (often a system mosquitto on 1883) must not keep the Kafka broker from running.
        logger.warn('MQTT listener not started: the default port is not free; pass --mqtt-port to choose one', { port: options.mqttPort, error: String(e) });
      }
    }
    let amqp = options.amqpPort !== undefined && config.getBoolean('brook.amqp.enable') ? new AmqpServer({ ...deps('amqp'), fs, dataDir: options.dataDir, host, port: options.amqpPort, alarm: resources.alarm, users: sharedUsers }) : null;
    if (amqp) {
      try {
        await amqp.start();
        services.push(amqp);
      } catch (e) {
        await amqp.close().catch(() => {});
        amqp = null;
        if (!(options.amqpPortOptional && (e as NodeJS.ErrnoException).code === 'EADDRINUSE')) {
          for (const s of [...services].reverse()) await s.close();
          await logs.close();
          throw e;
        }
        // A default port taken (a RabbitMQ on 5672) must not keep the Kafka broker from running.
        logger.warn('AMQP listener not started: the default port is not free; pass --amqp-port to choose one', { port: options.amqpPort, error: String(e) });
      }
    }
    const connectionOptions = {
      maxRequestBytes: config.getNumber('socket.request.max.bytes'),
      maxUnauthenticatedBytes: config.getNumber('sasl.server.max.receive.size'),
      idleTimeoutMs: config.getNumber('connections.max.idle.ms'),
      maxInFlight: config.getNumber('brook.connection.max.inflight.requests'),
    };
    let bound: BoundListener[];
    try {
      bound = await bindListeners(config, listenerConfig, (security) => new Listener(state, table, connectionOptions, logger.child({ component: 'network' }), resources, security));
    } catch (e) {
      for (const s of [...services].reverse()) await s.close();
      await logs.close();
      throw e;
    }
    // The first listener is the broker's default endpoint (state.advertised, Broker.bootstrap).
    const first = bound[0]!;
    advertised.host = first.advertised.host;
    advertised.port = first.advertised.port;
    logs.startBackgroundTasks();
    for (const b of bound) {
      logger.info('broker started', { listener: `${b.spec.name}://${b.spec.host}:${b.port}`, protocol: b.spec.protocol, advertised: `${b.advertised.host}:${b.advertised.port}`, dataDir: options.dataDir, clusterId: identity.clusterId });
    }
    const broker = new Broker(state, services, bound, first.port, first.spec.host, mqtt, amqp);
    broker.watchTlsFiles();
    return broker;
  }

  /** Stops accepting, closes connections, flushes and closes storage (clean-shutdown marker). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.tlsWatch?.close();
      await Promise.all(this.bound.map((b) => b.listener.close()));
      for (const s of [...this.services].reverse()) await s.close();
      this.state.logs.stopBackgroundTasks();
      await this.state.logs.close();
      this.state.logger.info('broker stopped', { dataDir: this.dataDir });
    })();
    return this.closing;
  }
}

function advertisedFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
