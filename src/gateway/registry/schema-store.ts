// Keeps the registry's state in the compacted topic `_schemas` (one partition, like Confluent's),
// so it survives restarts and is shared by every gateway reading the same cluster:
//   - a tail loop reads the topic from its start and applies each record to RegistryState;
//     the registry is ready once it has applied everything present when it started (at once
//     when the topic does not exist yet: it is created by the first write, so a cluster whose
//     registry is never used gets no `_schemas` topic);
//   - a write appends records (acks=all) and resolves once the tail loop has applied them, so
//     a read after a write sees it;
//   - writes run one at a time, each after catching up to the topic's end (the next id is
//     then the highest id any writer has used plus one). Two gateways writing at the same
//     moment could still pick one id twice; Confluent solves that with a leader election,
//     which a single-node Brook does not need — run one registry writer per cluster.
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, kafkaErrorName, listOffsetsAt, type LogReader } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type { KafkaAccess } from '../kafka-access.js';
import { RegistryState } from './registry-state.js';
import { decodeSchemasRecord } from './schemas-topic-codec.js';

export interface SchemasWrite {
  key: Buffer;
  value: Buffer | null;
}

export class SchemaStore {
  readonly state = new RegistryState();
  private next = 0n;
  private readyAt: bigint | null = null;
  private ready = false;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly appliedWaiters: { offset: bigint; resolve: () => void }[] = [];
  private readonly readyWaiters: (() => void)[] = [];
  private writeChain: Promise<unknown> = Promise.resolve();
  private reader: { reader: LogReader; close: () => Promise<void> } | null = null;
  private wakeIdle: (() => void) | null = null;

  constructor(
    private readonly kafka: KafkaAccess,
    readonly topic: string,
    private readonly logger: Logger,
  ) {}

  isReady(): boolean {
    return this.ready;
  }

  /** Starts loading in the background (the gateway serves other routes meanwhile). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Resolves once the state reflects the whole topic as of start (or rejects after `timeoutMs`). */
  whenReady(timeoutMs = 30_000): Promise<void> {
    if (this.ready) return Promise.resolve();
    this.start();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the schema registry has not finished loading ${this.topic}`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.running = false;
    this.wakeIdle?.();
    await this.loop?.catch(() => undefined);
    await this.reader?.close();
  }

  /**
   * Runs `build` alone (no other write in between), after catching up with the topic; appends
   * the records it returns and resolves with its result once they are applied.
   */
  write<T>(build: () => { records: SchemasWrite[]; result: T }): Promise<T> {
    const run = async (): Promise<T> => {
      await this.whenReady();
      // The first write creates the topic; so does a write after someone deleted it (an admin, a
      // fuzzer), carrying on from the state already loaded.
      await this.ensureTopic();
      this.wakeIdle?.();
      await this.catchUp();
      const { records, result } = build();
      if (records.length > 0) {
        const bases = await this.kafka.producer.produce([{ topic: this.topic, partition: 0, records: records.map((r) => ({ key: r.key, value: r.value })) }]);
        const base = bases.get(`${this.topic}:0`);
        if (base === undefined) throw new Error(`appending to ${this.topic} returned no offset`);
        await this.appliedThrough(base + BigInt(records.length - 1));
      }
      return result;
    };
    const p = this.writeChain.then(run, run);
    this.writeChain = p.catch(() => undefined);
    return p;
  }

  /** Waits until everything in the topic now has been applied (another writer's records too). */
  private async catchUp(): Promise<void> {
    const end = (await listOffsetsAt(this.kafka.admin, [{ topic: this.topic, partition: 0 }], LATEST_TIMESTAMP)).get(`${this.topic}:0`) ?? 0n;
    if (end > 0n) await this.appliedThrough(end - 1n);
  }

  private appliedThrough(offset: bigint): Promise<void> {
    if (this.next > offset) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ offset, resolve }));
  }

  private async ensureTopic(): Promise<void> {
    if (await this.kafka.topic(this.topic)) return;
    try {
      await this.kafka.admin.createTopics({ topics: [this.topic], partitions: 1, replicas: -1, configs: [{ name: 'cleanup.policy', value: 'compact' }] });
      this.logger.info('created the schema registry topic', { topic: this.topic });
    } catch (e) {
      if (kafkaErrorName(e) !== 'TOPIC_ALREADY_EXISTS') throw e;
    }
    this.kafka.forgetTopic(this.topic);
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        if (this.readyAt === null) {
          if (!(await this.kafka.topic(this.topic, true))) {
            // Nothing registered yet: ready and empty; look again in a while (another gateway's
            // first write, or ours, creates the topic).
            this.readyAt = 0n;
            this.checkReady();
            this.readyAt = null;
            await this.idle(1000);
            continue;
          }
          const p = [{ topic: this.topic, partition: 0 }];
          this.next = (await listOffsetsAt(this.kafka.admin, p, EARLIEST_TIMESTAMP)).get(`${this.topic}:0`) ?? 0n;
          this.readyAt = (await listOffsetsAt(this.kafka.admin, p, LATEST_TIMESTAMP)).get(`${this.topic}:0`) ?? 0n;
          this.checkReady();
        }
        this.reader ??= this.kafka.longPollReader('schemas', 500);
        const round = await this.reader.reader.fetch([{ topic: this.topic, partition: 0, offset: this.next }]);
        if (round.offsetOutOfRange) {
          this.next = (await listOffsetsAt(this.kafka.admin, [{ topic: this.topic, partition: 0 }], EARLIEST_TIMESTAMP)).get(`${this.topic}:0`) ?? 0n;
          continue;
        }
        for (const r of round.records) {
          try {
            this.state.apply(decodeSchemasRecord(r.key, r.value));
          } catch (e) {
            this.logger.warn('skipping an undecodable record in the schemas topic', { offset: String(r.offset), error: String(e) });
          }
          this.next = r.offset + 1n;
        }
        const hw = round.highWatermarks.get(`${this.topic}:0`);
        // Compaction may leave gaps: once the fetch returns nothing below the high watermark,
        // everything before it has been seen.
        if (round.records.length === 0 && hw !== undefined && hw > this.next) this.next = hw;
        this.release();
        this.checkReady();
        backoff = 100;
      } catch (e) {
        if (!this.running) return;
        this.logger.warn('reading the schemas topic failed; retrying', { error: e instanceof Error ? e.message : String(e), retryInMs: backoff });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** Sleeps up to `ms`, ending early when a write created the topic or the store closes. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeIdle = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private release(): void {
    for (let i = this.appliedWaiters.length - 1; i >= 0; i--) {
      const w = this.appliedWaiters[i]!;
      if (this.next > w.offset) {
        this.appliedWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private checkReady(): void {
    if (this.ready || this.readyAt === null || this.next < this.readyAt) return;
    this.ready = true;
    this.logger.info('schema registry loaded', { topic: this.topic, subjects: this.state.subjectNames(true).length });
    for (const w of this.readyWaiters.splice(0)) w();
  }
}
