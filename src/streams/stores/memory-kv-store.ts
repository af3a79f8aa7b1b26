// An in-memory key-value store. Memory is bounded by `maxEntries`: a put that would exceed it
// fails with STORE_FULL rather than growing without limit (use a persistent store, whose memory
// is a bounded cache, for larger state). Reads never touch a serde.

import { StreamsError } from '../errors.js';
import type { ChangelogRecord } from '../engine/transport.js';
import { MemoryStoreBase } from './memory-store-base.js';
import type { KeyValueStore, StoreSpec } from './store.js';

interface Entry<K, V> {
  key: K;
  value: V;
}

export class MemoryKeyValueStore<K, V> extends MemoryStoreBase<K, V> implements KeyValueStore<K, V> {
  readonly kind = 'key-value' as const;
  private readonly entries = new Map<string, Entry<K, V>>();

  constructor(spec: StoreSpec<K, V>) {
    super(spec);
  }

  restoreBatch(records: readonly ChangelogRecord[]): void {
    for (const r of records) {
      const id = this.ids.ofBytes(r.key);
      if (r.value === null) this.entries.delete(id);
      else this.entries.set(id, { key: this.keySerde.deserialize(r.key), value: this.valueSerde.deserialize(r.value) });
    }
  }

  get(key: K): V | undefined {
    return this.entries.get(this.ids.of(key))?.value;
  }

  put(key: K, value: V): void {
    const id = this.ids.of(key);
    const entry = this.entries.get(id);
    if (entry) {
      entry.value = value;
    } else {
      if (this.entries.size >= this.maxEntries) {
        throw new StreamsError('STORE_FULL', `store '${this.name}' holds its maximum of ${this.maxEntries} entries`);
      }
      this.entries.set(id, { key, value });
    }
    this.logger.log(this.keySerde.serialize(key), this.valueSerde.serialize(value));
  }

  delete(key: K): void {
    if (this.entries.delete(this.ids.of(key))) this.logger.log(this.keySerde.serialize(key), null);
  }

  *all(): IterableIterator<[K, V]> {
    for (const e of this.entries.values()) yield [e.key, e.value];
  }

  approximateEntries(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
