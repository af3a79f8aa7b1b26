// An in-memory key-value store. Memory is bounded by `maxEntries`: a put that would exceed it
// fails with STORE_FULL rather than growing without limit (use a persistent store, whose memory
// is a bounded cache, for larger state). Reads never touch a serde.

import { StreamsError } from '../errors.js';
import type { Serde } from '../serdes.js';
import type { ChangelogRecord } from '../engine/transport.js';
import { keyIds, type KeyIds } from './key-ids.js';
import { defaultMaxEntries, type ChangeLogger, type KeyValueStore, type StoreSpec } from './store.js';

interface Entry<K, V> {
  key: K;
  value: V;
}

const noLogging: ChangeLogger = { log: () => {} };

export class MemoryKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly kind = 'key-value' as const;
  readonly name: string;
  private readonly keySerde: Serde<K>;
  private readonly valueSerde: Serde<V>;
  private readonly ids: KeyIds<K>;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry<K, V>>();
  private logger: ChangeLogger = noLogging;

  constructor(spec: StoreSpec<K, V>) {
    this.name = spec.name;
    this.keySerde = spec.keySerde;
    this.valueSerde = spec.valueSerde;
    this.ids = keyIds(spec.keySerde);
    this.maxEntries = spec.options.maxEntries ?? defaultMaxEntries;
  }

  init(logger: ChangeLogger): void {
    this.logger = logger;
  }

  checkpoint(): bigint | undefined {
    return undefined; // nothing survives a restart: restore the whole changelog
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

  async flush(): Promise<void> {}

  committed(): void {}

  async close(): Promise<void> {
    this.entries.clear();
  }
}
