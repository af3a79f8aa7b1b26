// A queue engine on real storage over the fault-injecting memory filesystem, with a clock and
// timers the test drives: a data topic holding records, the share-group state log, and one
// share-partition bound to the data log. Used by the engine's model-based and crash tests.
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { LogManager, MemoryFileSystem, type PartitionLog } from '../../src/storage/index.js';
import { DeadLetterWriter, QueueEngine, ShareStateLog, SHARE_STATE_TOPIC, SHARE_STATE_TOPIC_CONFIGS, StatePersister, type DeliveryPolicy, type ShareSlot } from '../../src/broker/queues/index.js';
import type { TimerFunctions } from '../../src/broker/queues/lock-timer.js';
import { silentLogger } from '../../src/util/logger.js';

export const DATA_TOPIC = 'orders';
export const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
export const GROUP = 'g';

/** Timers that fire only when the test advances the clock. */
export class ManualClock implements TimerFunctions {
  now = 1_000_000;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward, running every timer that falls due, in deadline order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= target && (!first || e[1].at < first[1].at)) first = e;
      if (!first) break;
      this.pending.delete(first[0]);
      this.now = Math.max(this.now, first[1].at);
      first[1].fn();
    }
    this.now = target;
  }
}

export interface Harness {
  fs: MemoryFileSystem;
  logs: LogManager;
  data: PartitionLog;
  engine: QueueEngine;
  slot: ShareSlot;
  clock: ManualClock;
  policy: DeliveryPolicy;
  close(): Promise<void>;
}

/** Opens (or reopens after a crash) the harness on `fs`; `batches` seeds the data topic when it is new. */
export async function openHarness(fs: MemoryFileSystem, policy: DeliveryPolicy, batches: readonly number[], clock = new ManualClock(), updatesPerSnapshot = 3): Promise<Harness> {
  const logs = await LogManager.open({ dataDir: '/data', fs, logger: silentLogger, now: () => clock.now });
  if (!logs.getTopic(DATA_TOPIC)) {
    await logs.createTopic(DATA_TOPIC, 1, {});
    const log = logs.getLog(DATA_TOPIC, 0)!;
    let n = 0;
    for (const size of batches) {
      const records = Array.from({ length: size }, () => ({ value: Buffer.from(`r${n++}`) }));
      await log.append(buildRecordBatch(records, { timestamp: clock.now }), { durable: true });
    }
  }
  const existed = logs.getTopic(SHARE_STATE_TOPIC) !== undefined;
  const stateLog = new ShareStateLog(logs, 3, async () => {
    if (!logs.getTopic(SHARE_STATE_TOPIC)) await logs.createTopic(SHARE_STATE_TOPIC, 3, SHARE_STATE_TOPIC_CONFIGS);
  });
  const persister = new StatePersister(stateLog, updatesPerSnapshot, () => clock.now);
  const deadLetters = new DeadLetterWriter({ partitionsOf: async () => null }, () => clock.now);
  const engine = new QueueEngine({ persister, deadLetters, logger: silentLogger, now: () => clock.now, timers: clock, maintenanceIntervalMs: 3_600_000, pruneIntervalMs: Infinity });
  await engine.start(existed);
  const data = logs.getLog(DATA_TOPIC, 0)!;
  const binding = { owner: GROUP, topic: DATA_TOPIC, partition: 0, log: data, policy: () => policy, deadLetter: () => null };
  const slot = await engine.open({ groupId: GROUP, topicId: TOPIC_ID, partition: 0 }, binding, async () => data.logStartOffset);
  return {
    fs,
    logs,
    data,
    engine,
    slot,
    clock,
    policy,
    close: async () => {
      await engine.close();
      await logs.close();
    },
  };
}

export async function dataDirFs(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/data');
  await fs.syncDir('/');
  return fs;
}
