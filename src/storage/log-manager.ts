// LogManager: every partition log under one data directory (Kafka's LogManager, Redpanda's
// log_manager). Opens and recovers logs on start, creates/deletes/grows topics, keeps their
// metadata (topic-metadata-store.ts), runs the periodic flush/roll/retention task, and writes the
// clean-shutdown marker on close.
//
// Data dir layout: `meta/` (topic files), `<topic>-<partition>/` (partition logs, see
// partition-log.ts), `<topic>-<partition>.<id>-delete/` (a deleted topic's partitions, removed in
// the background), and `.brook-clean-shutdown` (present only between a clean close and the next
// open; empty file).
//
// Crash safety of topic operations (each step durable before the next):
//   create:  partition dirs (fsync data dir) -> meta file (atomic). A crash in between leaves
//            orphan dirs that are ignored (logged) because the topic has no metadata.
//   delete:  meta file removed (fsync meta/) -> dirs renamed to *-delete (fsync data dir) ->
//            removed in the background (and again on the next open if interrupted).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { eachLimited } from '../util/each-limited.js';
import type { FileSystem } from './fs/file-system.js';
import { NodeFileSystem } from './fs/node-file-system.js';
import { resolveLogConfig } from './log-config.js';
import type { ConfigValues, LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import type { HighWatermarkPolicy } from './partition-log.js';
import { partitionDirName } from './segment-files.js';
import { StorageError } from './storage-error.js';
import { TopicMetadataStore } from './topic-metadata-store.js';
import type { TopicMetadata } from './topic-metadata-store.js';
import type { StateRebuilderFactory } from './state-rebuild.js';

export const CLEAN_SHUTDOWN_FILE = '.brook-clean-shutdown';
const DELETE_SUFFIX = '-delete';

/**
 * `<topic>-<partition>.<topic id>-delete`, with the topic part shortened as far as needed to stay within a 255-byte
 * file name (as Kafka shortens its delete directories): the topic id keeps it unique, and only the suffix is read back.
 */
function deletedDirName(topic: string, partition: number, topicId: Buffer): string {
  const tail = `-${partition}.${topicId.toString('hex')}${DELETE_SUFFIX}`;
  return topic.slice(0, Math.max(0, 255 - tail.length)) + tail;
}
/** Partitions opened or closed at once (libuv's thread pool has four threads by default). */
const FILE_CONCURRENCY = 8;

export interface LogManagerOptions {
  dataDir: string;
  fs?: FileSystem;
  /** Broker-level defaults by Kafka name (`log.segment.bytes`, `log.retention.ms`, ...). */
  brokerConfig?: ConfigValues;
  now?: () => number;
  logger?: Logger;
  /**
   * See partition-log.ts. 'written' (default) is Kafka's single-replica behaviour, HW = LEO after
   * the write; 'durable' exposes only fsynced data to consumers (broker key brook.high.watermark.policy).
   */
  highWatermarkPolicy?: HighWatermarkPolicy;
  /** Per-partition tail cache (default 1 MiB). */
  tailCacheBytes?: number;
  /** Told the duration (ms) of every fdatasync round (the broker's fsync latency metric). */
  syncObserver?: (ms: number) => void;
  /** After an unclean stop, rebuilds each partition's producer state in recovery's pass (state-rebuild.ts). */
  stateRebuilder?: StateRebuilderFactory;
}

export interface TopicInfo {
  name: string;
  topicId: Buffer;
  partitions: number;
  /** The topic's overrides only (not the resolved config). */
  configs: Record<string, string>;
}

/** Kafka's legal topic names: 1-249 of [a-zA-Z0-9._-], not "." or "..". */
export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name.length <= 249 && /^[a-zA-Z0-9._-]+$/.test(name) && name !== '.' && name !== '..';
}

interface Topic {
  meta: TopicMetadata;
  config: LogConfig;
  logs: PartitionLog[];
}

export class LogManager {
  private readonly topics = new Map<string, Topic>();
  /** Names being created: reserved, but not listed until their files and metadata are durable. */
  private readonly creating = new Set<string>();
  private readonly background = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private maintenanceRunning: Promise<void> | null = null;
  private lastRetentionMs = -Infinity;
  private closed = false;
  private readonly fs: FileSystem;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly store: TopicMetadataStore;
  /** Whether the previous run ended with a clean close (no recovery was needed). */
  cleanStart = false;

  private constructor(private readonly options: LogManagerOptions) {
    this.fs = options.fs ?? new NodeFileSystem();
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.store = new TopicMetadataStore(this.fs, options.dataDir, this.logger);
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Opens the data dir, recovering every partition log after an unclean stop. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    const m = new LogManager(options);
    await m.load();
    return m;
  }

  private async load(): Promise<void> {
    const { dataDir } = this.options;
    resolveLogConfig(this.options.brokerConfig ?? {}, {}); // fail fast on bad broker defaults
    if (!(await this.fs.isDirectory(dataDir))) {
      await this.fs.mkdir(dataDir);
      await this.fs.syncDir(join(dataDir, '..'));
    }
    const marker = join(dataDir, CLEAN_SHUTDOWN_FILE);
    this.cleanStart = await this.fs.exists(marker);
    if (this.cleanStart) {
      // Gone (durably) before the first append, so a crash from now on is seen as unclean.
      await this.fs.unlink(marker);
      await this.fs.syncDir(dataDir);
    }
    const { topics } = await this.store.loadAll();
    const known = new Set<string>();
    for (const meta of topics) {
      const config = resolveLogConfig(this.options.brokerConfig ?? {}, meta.configs);
      const logs: PartitionLog[] = [];
      for (let p = 0; p < meta.partitions; p++) {
        known.add(partitionDirName(meta.name, p));
        logs.push(await this.openLog(meta.name, p, config, this.cleanStart));
      }
      this.topics.set(meta.name, { meta, config, logs });
    }
    for (const name of await this.fs.readdir(dataDir)) {
      if (name.endsWith(DELETE_SUFFIX)) this.removeInBackground(join(dataDir, name));
      else if (name !== 'meta' && !name.startsWith('.') && !known.has(name) && (await this.fs.isDirectory(join(dataDir, name)))) {
        this.logger.warn('ignoring a partition directory with no topic metadata', { dir: join(dataDir, name) });
      }
    }
    this.logger.info('log manager opened', { dataDir, topics: this.topics.size, cleanStart: this.cleanStart });
  }

  private openLog(topic: string, partition: number, config: LogConfig, clean: boolean): Promise<PartitionLog> {
    return PartitionLog.open({
      fs: this.fs,
      dir: join(this.options.dataDir, partitionDirName(topic, partition)),
      config,
      cleanShutdown: clean,
      now: this.now,
      logger: this.logger.child({ topic, partition }),
      highWatermarkPolicy: this.options.highWatermarkPolicy ?? 'written',
      tailCacheBytes: this.options.tailCacheBytes ?? 1 << 20,
      syncObserver: this.options.syncObserver,
      stateRebuilder: this.options.stateRebuilder,
    });
  }

  /**
   * Opens (creating) partitions [from, to) of a topic concurrently: each new partition costs two
   * directory fsyncs, and a 50-partition internal topic done one by one took most of a second.
   * On any failure every log that did open is closed again before the error propagates.
   */
  private async openLogs(topic: string, from: number, to: number, config: LogConfig): Promise<PartitionLog[]> {
    const logs: (PartitionLog | undefined)[] = new Array(to - from);
    const partitions = Array.from({ length: to - from }, (_, i) => from + i);
    try {
      await eachLimited(partitions, FILE_CONCURRENCY, async (p) => {
        logs[p - from] = await this.openLog(topic, p, config, true);
      });
    } catch (e) {
      for (const log of logs) if (log) await log.close();
      throw e;
    }
    return logs as PartitionLog[];
  }

  private check(): void {
    if (this.closed) throw new StorageError('closed', 'the log manager is closed');
  }

  /** Creates a topic with a fresh random topic id; configs are topic-level overrides. */
  async createTopic(name: string, partitions: number, configs: Record<string, string> = {}): Promise<TopicInfo> {
    this.check();
    if (!isValidTopicName(name)) throw new StorageError('invalid-topic', `invalid topic name ${JSON.stringify(name)}`);
    if (this.topics.has(name) || this.creating.has(name)) throw new StorageError('topic-already-exists', `topic ${name} already exists`);
    if (!Number.isInteger(partitions) || partitions < 1) throw new StorageError('invalid-partitions', `invalid partition count ${partitions}`);
    const config = resolveLogConfig(this.options.brokerConfig ?? {}, configs);
    const meta: TopicMetadata = { name, topicId: newTopicId(), partitions, configs: { ...configs } };
    const topic: Topic = { meta, config, logs: [] };
    // Reserve the name while the files are made; the topic is listed (Metadata, Fetch) only once it
    // is whole, so no reader ever sees a partition count whose logs do not exist yet.
    this.creating.add(name);
    try {
      // Leftovers of an interrupted create or delete of the same name must not be picked up.
      let removed = false;
      for (let p = 0; p < partitions; p++) {
        const dir = join(this.options.dataDir, partitionDirName(name, p));
        if (await this.fs.exists(dir)) {
          this.logger.warn('removing a stale partition directory before creating the topic', { dir });
          await this.fs.removeTree(dir);
          removed = true;
        }
      }
      if (removed) await this.fs.syncDir(this.options.dataDir);
      topic.logs.push(...(await this.openLogs(name, 0, partitions, config)));
      await this.store.write(meta);
      this.topics.set(name, topic);
    } catch (e) {
      for (const log of topic.logs) await log.close();
      throw e instanceof StorageError ? e : new StorageError('storage-error', `creating topic ${name} failed: ${String(e)}`, { cause: e });
    } finally {
      this.creating.delete(name);
    }
    return info(meta);
  }

  /** Deletes a topic: metadata first, then its directories are renamed and removed in the background. */
  async deleteTopic(name: string): Promise<void> {
    this.check();
    const topic = this.topics.get(name);
    if (!topic) throw new StorageError('unknown-topic-or-partition', `unknown topic ${name}`);
    this.topics.delete(name);
    await this.store.remove(name);
    const deleted: string[] = [];
    for (let p = 0; p < topic.logs.length; p++) {
      await topic.logs[p]!.close();
      const dir = join(this.options.dataDir, partitionDirName(name, p));
      const to = join(this.options.dataDir, deletedDirName(name, p, topic.meta.topicId));
      await this.fs.rename(dir, to);
      deleted.push(to);
    }
    await this.fs.syncDir(this.options.dataDir);
    for (const dir of deleted) this.removeInBackground(dir);
  }

  /** CreatePartitions: grows a topic to `total` partitions. */
  async addPartitions(name: string, total: number): Promise<TopicInfo> {
    this.check();
    const topic = this.topics.get(name);
    if (!topic) throw new StorageError('unknown-topic-or-partition', `unknown topic ${name}`);
    if (!Number.isInteger(total) || total <= topic.meta.partitions) {
      throw new StorageError('invalid-partitions', `topic ${name} has ${topic.meta.partitions} partitions; cannot change to ${total}`);
    }
    topic.logs.push(...(await this.openLogs(name, topic.logs.length, total, topic.config)));
    topic.meta = { ...topic.meta, partitions: total };
    await this.store.write(topic.meta);
    return info(topic.meta);
  }

  /** Replaces a topic's config overrides (persisted atomically) and applies them to its logs. */
  async alterTopicConfig(name: string, configs: Record<string, string>): Promise<TopicInfo> {
    this.check();
    const topic = this.topics.get(name);
    if (!topic) throw new StorageError('unknown-topic-or-partition', `unknown topic ${name}`);
    const config = resolveLogConfig(this.options.brokerConfig ?? {}, configs);
    const meta = { ...topic.meta, configs: { ...configs } };
    await this.store.write(meta);
    topic.meta = meta;
    topic.config = config;
    for (const log of topic.logs) log.updateConfig(config);
    return info(meta);
  }

  /**
   * Replaces the broker-level defaults (dynamic broker config changed) and re-applies them to the
   * logs of every topic; overrides still win. Throws StorageError('invalid-config') before
   * changing anything when a value does not resolve.
   */
  updateBrokerConfig(brokerConfig: ConfigValues): void {
    const resolved = [...this.topics.values()].map((t) => [t, resolveLogConfig(brokerConfig, t.meta.configs)] as const);
    resolveLogConfig(brokerConfig, {});
    this.options.brokerConfig = { ...brokerConfig };
    for (const [topic, config] of resolved) {
      topic.config = config;
      for (const log of topic.logs) log.updateConfig(config);
    }
  }

  listTopics(): TopicInfo[] {
    return [...this.topics.values()].map((t) => info(t.meta));
  }

  /** Topic names, without copying their metadata (cheap enough to call per request). */
  topicNames(): IterableIterator<string> {
    return this.topics.keys();
  }

  /** Partitions of every listed topic. */
  get partitionCount(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.meta.partitions;
    return n;
  }

  getTopic(name: string): TopicInfo | undefined {
    const t = this.topics.get(name);
    return t ? info(t.meta) : undefined;
  }

  /** The resolved log config of a topic (defaults + overrides), for DescribeConfigs. */
  topicConfig(name: string): LogConfig | undefined {
    return this.topics.get(name)?.config;
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.logs[partition];
  }

  /**
   * One pass of periodic work at `now`: flush.ms and segment.ms for every log, and retention when
   * log.retention.check.interval.ms has passed since the last one. Errors are logged per log.
   */
  runMaintenance(now = this.now()): Promise<void> {
    this.maintenanceRunning ??= this.doMaintenance(now).finally(() => (this.maintenanceRunning = null));
    return this.maintenanceRunning;
  }

  private async doMaintenance(now: number): Promise<void> {
    const interval = Number(this.options.brokerConfig?.['log.retention.check.interval.ms'] ?? 300_000);
    const retention = now - this.lastRetentionMs >= interval;
    if (retention) this.lastRetentionMs = now;
    for (const t of [...this.topics.values()]) {
      for (const log of t.logs) {
        try {
          await log.maintenance(now, retention);
        } catch (e) {
          this.logger.error('maintenance failed', { topic: t.meta.name, error: String(e) });
        }
      }
    }
  }

  /** Starts the periodic task (every `intervalMs`, default 1 s); the timer never keeps the process alive. */
  startBackgroundTasks(intervalMs = 1000): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.runMaintenance(), intervalMs);
    this.timer.unref();
  }

  stopBackgroundTasks(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for background directory removals (tests; close does it too). */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  private removeInBackground(path: string): void {
    const p = this.fs
      .removeTree(path)
      .catch((e: unknown) => this.logger.error('could not remove a deleted directory', { path, error: String(e) }))
      .finally(() => this.background.delete(p));
    this.background.add(p);
  }

  /** Clean close: stops the task, closes every log (flushing it), then writes the clean-shutdown marker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopBackgroundTasks();
    await this.maintenanceRunning;
    let allClean = true;
    // Each close syncs its partition's files (index, snapshot, checkpoint): several at once share
    // the file system's journal commits (1,000 AMQP queues took 8.7 s to close one by one).
    const logs = [...this.topics.values()].flatMap((t) => t.logs);
    await eachLimited(logs, FILE_CONCURRENCY, async (log) => {
      await log.close();
      if (log.isOffline) allClean = false;
    });
    await this.settled();
    if (allClean) {
      const f = await this.fs.open(join(this.options.dataDir, CLEAN_SHUTDOWN_FILE), 'create');
      await f.datasync();
      await f.close();
      await this.fs.syncDir(this.options.dataDir);
    } else this.logger.warn('not marking a clean shutdown: some partitions are offline', { dataDir: this.options.dataDir });
  }
}

function info(m: TopicMetadata): TopicInfo {
  return { name: m.name, topicId: m.topicId, partitions: m.partitions, configs: { ...m.configs } };
}

/** A random 16-byte topic id, never Kafka's reserved ZERO_UUID or METADATA_TOPIC_ID (0...01). */
function newTopicId(): Buffer {
  for (;;) {
    const id = randomBytes(16);
    let high = 0;
    for (let i = 0; i < 15; i++) high |= id[i]!;
    if (high !== 0 || id[15]! > 1) return id;
  }
}
