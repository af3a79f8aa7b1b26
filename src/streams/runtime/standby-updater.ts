// Keeps this instance's standby tasks warm (engine/standby-task.ts): between fetches of the main
// loop it reads their changelog partitions and applies what the actives have committed.
//
//   every refresh interval   one OffsetFetch for the standbys' input partitions: the metadata of
//                            the actives' last commits names their changelog ends (the bound;
//                            engine/commit-metadata.ts), and one ListOffsets for the changelogs'
//                            end offsets (the lag). Exactly-once needs no bound: changelogs are
//                            read read_committed.
//   every loop iteration     one Fetch (no wait) for the changelog partitions still behind
//                            their bound, applied at once.
// So a caught-up standby costs two small requests per interval, and a lagging one catches up at
// fetch speed without ever holding up the processing loop for more than one round trip.

import { FETCH_MAX_BYTES, FETCH_PARTITION_MAX_BYTES, type Consumer, type GroupOffsets } from '../../client/index.js';
import { decodeCommitMetadata } from '../engine/commit-metadata.js';
import type { StandbyTask } from '../engine/standby-task.js';
import { topicPartitionKey, type ChangelogRecord } from '../engine/transport.js';
import { fetchPartitions, type FetchPosition } from './partition-fetch.js';

export interface StandbyUpdaterOptions {
  readonly readCommitted: boolean;
  readonly refreshIntervalMs: number;
}

export class StandbyUpdater {
  private lastRefresh = Number.NEGATIVE_INFINITY;
  /** `${topic}:${partition}` -> changelog end offset at the last refresh. */
  private readonly ends = new Map<string, bigint>();

  constructor(
    private readonly consumer: Consumer,
    private readonly offsets: GroupOffsets,
    private readonly options: StandbyUpdaterOptions,
  ) {}

  /** Refresh bounds when due, then fetch and apply one round for the standbys that are behind. */
  async step(standbys: ReadonlyMap<string, StandbyTask>, now: number): Promise<void> {
    const tasks = [...standbys.values()].filter((t) => t.stateful);
    if (tasks.length === 0) return;
    if (now - this.lastRefresh >= this.options.refreshIntervalMs) {
      this.lastRefresh = now;
      await this.refresh(tasks);
    }
    const wanted: Array<FetchPosition & { task: StandbyTask; store: string }> = [];
    for (const t of tasks) {
      for (const c of t.changelogs()) {
        const end = this.ends.get(topicPartitionKey(c.topic, c.partition));
        const bound = c.limit !== undefined && end !== undefined ? (c.limit < end ? c.limit : end) : (c.limit ?? end);
        if (bound !== undefined && c.position < bound) wanted.push({ topic: c.topic, partition: c.partition, offset: c.position, task: t, store: c.store });
      }
    }
    if (wanted.length === 0) return;
    const metadata = await this.consumer.metadata({ topics: [...new Set(wanted.map((w) => w.topic))] });
    const fetched = await fetchPartitions(this.consumer, metadata, wanted, {
      maxWaitMs: 0,
      // The client layer's sizes (client/fetch-sizes.ts): a 16 MiB response costs the client's decoder
      // about three times as much per byte as a 4 MiB one.
      maxBytes: FETCH_MAX_BYTES,
      maxBytesPerPartition: FETCH_PARTITION_MAX_BYTES,
      isolationLevel: this.options.readCommitted ? 1 : 0,
    });
    for (const f of fetched) {
      const w = wanted.find((x) => x.topic === f.topic && x.partition === f.partition && x.offset === f.requested);
      if (!w) continue;
      const key = topicPartitionKey(f.topic, f.partition);
      if (f.highWatermark > (this.ends.get(key) ?? -1n)) this.ends.set(key, f.highWatermark);
      const records: ChangelogRecord[] = [];
      for (const r of f.records) if (r.key !== null) records.push({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp });
      w.task.observeEnd(w.store, this.ends.get(key)!);
      w.task.apply(w.store, records, f.next);
    }
  }

  /** Ask for a refresh on the next step (after a rebalance brought new standbys). */
  refreshSoon(): void {
    this.lastRefresh = Number.NEGATIVE_INFINITY;
  }

  private async refresh(tasks: readonly StandbyTask[]): Promise<void> {
    const changelogs = tasks.flatMap((t) => t.changelogs());
    const byTopic = new Map<string, number[]>();
    for (const c of changelogs) byTopic.set(c.topic, [...(byTopic.get(c.topic) ?? []), c.partition]);
    const ends = await this.consumer.listOffsets({
      topics: [...byTopic.keys()],
      partitions: Object.fromEntries(byTopic),
      timestamp: -1n,
      isolationLevel: this.options.readCommitted ? 1 : 0,
    });
    for (const [topic, partitions] of byTopic) {
      for (const p of partitions) {
        const end = ends.get(topic)?.[p];
        if (end !== undefined) this.ends.set(topicPartitionKey(topic, p), end);
      }
    }
    // The lag is known even for standbys with nothing to fetch.
    for (const t of tasks) for (const c of t.changelogs()) t.observeEnd(c.store, this.ends.get(topicPartitionKey(c.topic, c.partition)) ?? 0n);
    if (this.options.readCommitted) {
      for (const t of tasks) t.setLimits(undefined);
      return;
    }
    const request = new Map<string, number[]>();
    for (const t of tasks) for (const topic of t.subtopology.sourceTopics) request.set(topic, [...(request.get(topic) ?? []), t.partition]);
    const committed = await this.offsets.fetch([...request].map(([topic, partitions]) => ({ topic, partitions })));
    for (const t of tasks) {
      let metadata: string | null = null;
      for (const topic of t.subtopology.sourceTopics) metadata ??= committed.get(topicPartitionKey(topic, t.partition))?.metadata ?? null;
      // Never committed: nothing is known to be committed, so nothing is applied (limit 0).
      t.setLimits(decodeCommitMetadata(metadata)?.changelogEnds ?? new Map());
    }
  }
}
