// The engine's whole contract with the outside world. A task consumes ConsumedRecords, sends
// ProducedRecords through a RecordCollector, reads changelogs through a ChangelogReader while it
// restores, and hands back a CommitPoint when asked. Nothing here knows about Kafka clients,
// sockets or timers: the TestDriver implements these over in-memory topics and virtual time, and
// the Kafka runtime implements them over a consumer and a producer.
//
// The at-least-once protocol a runtime must follow, per task:
//   1. `await task.initialize(reader, committed)`: the task opens its stores and restores each
//      from its changelog (from the store's checkpoint, or from the beginning) before it
//      processes anything.
//   2. for each consumed record, in offset order per partition: `const p = task.process(r); if (p)
//      await p;` (a returned promise is back-pressure from async processors).
//   3. every commit interval: `const point = await task.prepareCommit()` (waits for in-flight async
//      work, so every output it depends on has been handed to the collector); then the runtime
//      waits until the producer has acknowledged everything sent so far; then it commits
//      `point.offsets` with `point.metadata` in the consumer group; then it calls
//      `await task.postCommit(changelogEndOffsets)` so persistent stores checkpoint.
//   4. on wall-clock ticks: `task.punctuateWallClock(clock.now())`.
//   5. `await task.close()` on revocation or shutdown (after a final commit when clean).

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** One record as read from an input (source or repartition) topic. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** The record's timestamp (CreateTime or LogAppendTime), ms since the epoch. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[];
}

/** One record the task wants written. */
export interface ProducedRecord {
  readonly topic: string;
  /**
   * Set for changelog records (the task's own partition) and when a sink has a custom
   * partitioner. When undefined the runtime's partitioner picks the partition from the key bytes
   * (Kafka's default murmur2 partitioner, `defaultPartition` in engine/partitioner.ts), which is
   * what keeps repartition topics co-partitioned with the tasks that read them.
   */
  readonly partition: number | undefined;
  readonly timestamp: number;
  readonly key: Buffer | null;
  /** null is a tombstone (deletes the key in a compacted topic). */
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[];
}

/** Where a task's outputs go. `send` must not block; acknowledgement is awaited at commit by the runtime. */
export interface RecordCollector {
  send(record: ProducedRecord): void;
}

/** A record read back from a changelog topic while restoring a store. */
export interface ChangelogRecord {
  readonly offset: bigint;
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

export interface ChangelogReader {
  /**
   * Batches of the changelog `topic`/`partition` from `fromOffset` (inclusive; 0n = beginning) up
   * to the end offset as of the call, then done. The topic may not exist yet (first start): yield
   * nothing.
   */
  read(topic: string, partition: number, fromOffset: bigint): AsyncIterable<readonly ChangelogRecord[]>;
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume (Kafka's committed-offset convention). */
  readonly offset: bigint;
}

export interface CommitPoint {
  readonly offsets: readonly TopicPartitionOffset[];
  /**
   * Opaque task state to store as the committed offsets' metadata (Kafka Streams stores partition
   * time there too): stream time and emit-final positions, so a restarted task neither re-accepts
   * late records nor re-emits final windows. Hand it back to `initialize` as `committed.metadata`.
   */
  readonly metadata: string;
}

/** What the runtime knows from the consumer group about this task's inputs when it starts. */
export interface CommittedState {
  readonly metadata?: string | undefined;
  /**
   * Changelog topic -> the task's changelog end offset at its last commit (engine/commit-metadata.ts).
   * When given, stores restore only up to it and the uncommitted tail is repaired; a changelog
   * missing from a given map restores nothing. Undefined: restore everything.
   */
  readonly changelogEnds?: ReadonlyMap<string, bigint> | undefined;
}

/** Changelog end offsets after the producer's acknowledgement, keyed by `${topic}:${partition}`. */
export type ChangelogOffsets = ReadonlyMap<string, bigint>;

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}
