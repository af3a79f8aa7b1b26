// The global stores of an app instance (Kafka Streams' GlobalStateManager): one store per global
// table, holding every partition of the table's topic. Before any task processes a record, each
// store is loaded from the beginning of its topic up to the topic's end offsets as of the load
// (Kafka's global bootstrap); after that the runtime keeps applying new records as they arrive
// (the TestDriver applies them the moment they are written). A record with a null key is skipped,
// a null value deletes. Updates are not logged anywhere: the topic itself is the changelog.
//
// Global updates run beside stream processing, as Kafka's global thread does, so a join may see a
// global update a little before or after a stream record that was written later or earlier.

import { createStore } from '../stores/create-store.js';
import type { StateStore } from '../stores/store.js';
import type { Topology } from './topology.js';
import type { ChangelogReader, ChangelogRecord, ConsumedRecord } from './transport.js';
import { topicPartitionKey } from './transport.js';

export class GlobalStores {
  readonly stores = new Map<string, StateStore>();
  /** Global topic -> its store names (a topic feeds one table). */
  private readonly byTopic = new Map<string, StateStore>();
  /** `${topic}:${partition}` -> next offset to apply. */
  readonly positions = new Map<string, bigint>();

  constructor(private readonly topology: Topology) {}

  get topics(): string[] {
    return [...new Set([...this.topology.globalTables.values()].map((g) => g.topic))];
  }

  /** Open every global store and load its topic's partitions [0, end) as of now. */
  async bootstrap(reader: ChangelogReader, partitionsOf: (topic: string) => number, stateDir: string | undefined): Promise<void> {
    for (const g of this.topology.globalTables.values()) {
      const spec = this.topology.stores.get(g.store)!;
      // Global stores are restored in full on every start, so they never need a checkpoint: memory.
      const store = await createStore({ ...spec, options: { ...spec.options, persistent: false } }, { stateDir, appId: this.topology.appId, taskId: 'global' });
      store.init({ log: () => {} });
      this.stores.set(g.store, store);
      this.byTopic.set(g.topic, store);
      for (let p = 0; p < partitionsOf(g.topic); p++) {
        let next = 0n;
        for await (const batch of reader.read(g.topic, p, 0n)) {
          store.restoreBatch(batch);
          next = batch[batch.length - 1]!.offset + 1n;
        }
        const key = topicPartitionKey(g.topic, p);
        const known = this.positions.get(key) ?? 0n;
        this.positions.set(key, next > known ? next : known);
      }
    }
  }

  /** The reader's end offsets, where updating resumes when the load saw no record of a partition. */
  resumeFrom(ends: ReadonlyMap<string, bigint>): void {
    for (const key of this.positions.keys()) {
      const end = ends.get(key);
      if (end !== undefined && end > this.positions.get(key)!) this.positions.set(key, end);
    }
  }

  /** Apply records of a global topic partition, in offset order, and move its position past them. */
  apply(topic: string, partition: number, records: readonly ConsumedRecord[], next: bigint): void {
    const store = this.byTopic.get(topic);
    if (!store) return;
    const batch: ChangelogRecord[] = [];
    for (const r of records) if (r.key !== null) batch.push({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp });
    if (batch.length > 0) store.restoreBatch(batch);
    this.positions.set(topicPartitionKey(topic, partition), next);
  }

  isGlobalTopic(topic: string): boolean {
    return this.byTopic.has(topic);
  }

  async close(): Promise<void> {
    for (const s of this.stores.values()) await s.close();
    this.stores.clear();
    this.byTopic.clear();
  }
}
