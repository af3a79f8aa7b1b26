// An in-memory key-value store. Memory is bounded by `maxEntries`: a put that would exceed it
// fails with STORE_FULL rather than growing without limit (use a persistent store, whose memory
// is a bounded cache, for larger state). Reads never touch a serde.
//
// A spec with `prefixLength` also keeps a prefix index (prefix bytes -> key identities), so
// prefixScan costs the matches, not the store size: the foreign-key join's subscription store
// scans one foreign key's subscribers on every update of the foreign table.

import { StreamsError } from '../errors.js';
import type { ChangelogRecord } from '../engine/transport.js';
import { MemoryStoreBase } from './memory-store-base.js';
import type { KeyValueStore, StoreSpec } from './store.js';

interface Entry<K, V> {
  key: K;
  value: V;
  /** Serialized key, kept only when a prefix index or a byte-order scan needs it. */
  bytes: Buffer | undefined;
}

export class MemoryKeyValueStore<K, V> extends MemoryStoreBase<K, V> implements KeyValueStore<K, V> {
  readonly kind = 'key-value' as const;
  private readonly entries = new Map<string, Entry<K, V>>();
  private readonly prefixLength: ((keyBytes: Buffer) => number) | undefined;
  /** prefix (latin1) -> identities of the keys with that prefix. */
  private readonly byPrefix = new Map<string, Set<string>>();

  constructor(spec: StoreSpec<K, V>) {
    super(spec);
    this.prefixLength = spec.options.prefixLength;
  }

  restoreBatch(records: readonly ChangelogRecord[]): void {
    for (const r of records) {
      const id = this.ids.ofBytes(r.key);
      if (r.value === null) this.remove(id);
      else this.set(id, this.keySerde.deserialize(r.key), this.valueSerde.deserialize(r.value), r.key);
    }
  }

  changelogValue(changelogKey: Buffer): Buffer | null {
    const e = this.entries.get(this.ids.ofBytes(changelogKey));
    return e ? this.valueSerde.serialize(e.value) : null;
  }

  get(key: K): V | undefined {
    return this.entries.get(this.ids.of(key))?.value;
  }

  put(key: K, value: V): void {
    const keyBytes = this.keySerde.serialize(key);
    this.set(this.ids.of(key), key, value, keyBytes);
    this.logger.log(keyBytes, this.valueSerde.serialize(value));
  }

  delete(key: K): void {
    if (this.remove(this.ids.of(key))) this.logger.log(this.keySerde.serialize(key), null);
  }

  *all(): IterableIterator<[K, V]> {
    for (const e of this.entries.values()) yield [e.key, e.value];
  }

  range(from?: K, to?: K): Array<[K, V]> {
    const lo = from === undefined ? undefined : this.keySerde.serialize(from);
    const hi = to === undefined ? undefined : this.keySerde.serialize(to);
    const hits: Array<[Buffer, Entry<K, V>]> = [];
    for (const e of this.entries.values()) {
      const b = e.bytes ?? this.keySerde.serialize(e.key);
      if ((lo && Buffer.compare(b, lo) < 0) || (hi && Buffer.compare(b, hi) > 0)) continue;
      hits.push([b, e]);
    }
    return hits.sort((a, b) => Buffer.compare(a[0], b[0])).map(([, e]) => [e.key, e.value]);
  }

  prefixScan(prefix: Buffer): Array<[K, V]> {
    const hits: Array<[Buffer, Entry<K, V>]> = [];
    const indexed = this.prefixLength ? this.byPrefix.get(prefix.toString('latin1')) : undefined;
    if (this.prefixLength) {
      for (const id of indexed ?? []) {
        const e = this.entries.get(id)!;
        hits.push([e.bytes!, e]);
      }
    } else {
      for (const e of this.entries.values()) {
        const b = e.bytes ?? this.keySerde.serialize(e.key);
        if (b.length >= prefix.length && b.subarray(0, prefix.length).equals(prefix)) hits.push([b, e]);
      }
    }
    return hits.sort((a, b) => Buffer.compare(a[0], b[0])).map(([, e]) => [e.key, e.value]);
  }

  approximateEntries(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.byPrefix.clear();
  }

  private set(id: string, key: K, value: V, keyBytes: Buffer): void {
    const entry = this.entries.get(id);
    if (entry) {
      entry.value = value;
      return;
    }
    if (this.entries.size >= this.maxEntries) {
      throw new StreamsError('STORE_FULL', `store '${this.name}' holds its maximum of ${this.maxEntries} entries`);
    }
    const indexed = this.prefixLength !== undefined;
    this.entries.set(id, { key, value, bytes: indexed ? keyBytes : undefined });
    if (indexed) {
      const p = keyBytes.subarray(0, this.prefixLength!(keyBytes)).toString('latin1');
      let ids = this.byPrefix.get(p);
      if (!ids) this.byPrefix.set(p, (ids = new Set()));
      ids.add(id);
    }
  }

  private remove(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    this.entries.delete(id);
    if (e.bytes && this.prefixLength) {
      const p = e.bytes.subarray(0, this.prefixLength(e.bytes)).toString('latin1');
      const ids = this.byPrefix.get(p);
      ids?.delete(id);
      if (ids?.size === 0) this.byPrefix.delete(p);
    }
    return true;
  }
}
