// Versioned key-value stores (KIP-889): every value a key had, each valid from its timestamp until
// the next version's, kept for `historyRetentionMs` of stream time. Tables materialized in one
// answer timestamped lookups (`getAsOf`), which stream-table joins use (KIP-914) so a stream
// record joins the table value that was valid at its own timestamp.
//
// Rules (as Kafka Streams' RocksDBVersionedStore):
//   * observed stream time = the largest timestamp ever put; history is kept for versions that
//     were still valid at observed stream time - historyRetention;
//   * a put older than that horizon is not stored (it could never be read) and reports "not put";
//   * a put older than the latest version is an out-of-order update: it goes into the history,
//     and `put` reports it is not the latest (tables do not forward it, KIP-914);
//   * a delete is a version too: a tombstone (value null) from its timestamp on;
//   * getAsOf(key, t) for t below the horizon returns nothing.
// In memory, each key holds its versions sorted by timestamp (few per key within retention).
//
// Changelog: key = the key's bytes, value = the value's bytes (null for a tombstone), record
// timestamp = the version's timestamp; restore replays the changelog through put, so it rebuilds
// the same history. Its topic is compacted with min.compaction.lag.ms above the history
// retention, so compaction never removes a version restore still needs (Kafka does the same).

import { StreamsError } from '../errors.js';
import type { ChangelogRecord } from '../engine/transport.js';
import { MemoryStoreBase } from './memory-store-base.js';
import type { StateStore, StoreSpec } from './store.js';

export interface VersionedRecord<V> {
  readonly value: V;
  /** When this version became valid. */
  readonly timestamp: number;
  /** When the next version replaced it (exclusive); undefined for the latest. */
  readonly validTo: number | undefined;
}

export interface VersionedKeyValueStore<K, V> extends StateStore {
  readonly kind: 'versioned';
  readonly historyRetentionMs: number;
  /** Store a version; returns 'latest', 'history' (out of order) or 'expired' (older than the retained history). */
  put(key: K, value: V | null, timestamp: number): 'latest' | 'history' | 'expired';
  /** The latest version, unless it is a tombstone. */
  get(key: K): VersionedRecord<V> | undefined;
  /** The version valid at `timestamp`, unless none is, it is a tombstone, or `timestamp` is older than the retained history. */
  getAsOf(key: K, timestamp: number): VersionedRecord<V> | undefined;
  /** A tombstone from `timestamp` on; returns the version it ends, if any. */
  delete(key: K, timestamp: number): VersionedRecord<V> | undefined;
  /** Latest non-deleted values of every key; order unspecified. */
  all(): IterableIterator<[K, V]>;
}

interface Version<V> {
  timestamp: number;
  value: V | null;
}

interface Entry<K, V> {
  key: K;
  /** Sorted by timestamp, oldest first. */
  versions: Array<Version<V>>;
}

export class MemoryVersionedStore<K, V> extends MemoryStoreBase<K, V> implements VersionedKeyValueStore<K, V> {
  readonly kind = 'versioned' as const;
  readonly historyRetentionMs: number;
  private readonly entries = new Map<string, Entry<K, V>>();
  private observedStreamTime = Number.NEGATIVE_INFINITY;
  private versionCount = 0;

  constructor(spec: StoreSpec<K, V>) {
    super(spec);
    const retention = spec.options.historyRetentionMs;
    if (retention === undefined) throw new StreamsError('TOPOLOGY_INVALID', `store '${spec.name}' is versioned but has no history retention`);
    this.historyRetentionMs = retention;
  }

  restoreBatch(records: readonly ChangelogRecord[]): void {
    for (const r of records) {
      const value = r.value === null ? null : this.valueSerde.deserialize(r.value);
      this.putLocal(this.ids.ofBytes(r.key), undefined, r.key, value, r.timestamp);
    }
  }

  changelogValue(changelogKey: Buffer): Buffer | null {
    const latest = this.entries.get(this.ids.ofBytes(changelogKey))?.versions.at(-1);
    return latest && latest.value !== null ? this.valueSerde.serialize(latest.value) : null;
  }

  put(key: K, value: V | null, timestamp: number): 'latest' | 'history' | 'expired' {
    const keyBytes = this.keySerde.serialize(key);
    const result = this.putLocal(this.ids.of(key), key, keyBytes, value, timestamp);
    if (result !== 'expired') this.logger.log(keyBytes, value === null ? null : this.valueSerde.serialize(value), timestamp);
    return result;
  }

  get(key: K): VersionedRecord<V> | undefined {
    const versions = this.entries.get(this.ids.of(key))?.versions;
    const latest = versions?.at(-1);
    if (!latest || latest.value === null) return undefined;
    return { value: latest.value, timestamp: latest.timestamp, validTo: undefined };
  }

  getAsOf(key: K, timestamp: number): VersionedRecord<V> | undefined {
    if (timestamp < this.horizon()) return undefined;
    const versions = this.entries.get(this.ids.of(key))?.versions;
    if (!versions) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i]!;
      if (v.timestamp > timestamp) continue;
      if (v.value === null) return undefined;
      return { value: v.value, timestamp: v.timestamp, validTo: versions[i + 1]?.timestamp };
    }
    return undefined;
  }

  delete(key: K, timestamp: number): VersionedRecord<V> | undefined {
    const before = this.getAsOf(key, timestamp);
    this.put(key, null, timestamp);
    return before;
  }

  *all(): IterableIterator<[K, V]> {
    for (const e of this.entries.values()) {
      const latest = e.versions.at(-1);
      if (latest && latest.value !== null) yield [e.key, latest.value];
    }
  }

  approximateEntries(): number {
    return this.versionCount;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Versions valid before this time are no longer readable. */
  private horizon(): number {
    return this.observedStreamTime - this.historyRetentionMs;
  }

  private putLocal(id: string, key: K | undefined, keyBytes: Buffer, value: V | null, timestamp: number): 'latest' | 'history' | 'expired' {
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    if (timestamp < this.horizon()) return 'expired';
    let entry = this.entries.get(id);
    if (!entry) {
      if (value === null) return 'latest'; // a tombstone for a key with no history changes nothing
      entry = { key: key ?? this.keySerde.deserialize(keyBytes), versions: [] };
      this.entries.set(id, entry);
    }
    const versions = entry.versions;
    let at = versions.length;
    while (at > 0 && versions[at - 1]!.timestamp > timestamp) at--;
    let latest: boolean;
    if (at > 0 && versions[at - 1]!.timestamp === timestamp) {
      versions[at - 1]!.value = value; // same timestamp: the newer write replaces the version
      latest = at === versions.length;
    } else {
      if (this.versionCount >= this.maxEntries) {
        throw new StreamsError('STORE_FULL', `versioned store '${this.name}' holds its maximum of ${this.maxEntries} versions`);
      }
      versions.splice(at, 0, { timestamp, value });
      this.versionCount++;
      latest = at === versions.length - 1;
    }
    this.trim(id, entry);
    return latest ? 'latest' : 'history';
  }

  /** Drop versions that ended before the horizon (keep the one valid at it); drop keys left with a lone old tombstone. */
  private trim(id: string, entry: Entry<K, V>): void {
    const horizon = this.horizon();
    const versions = entry.versions;
    let drop = 0;
    while (drop + 1 < versions.length && versions[drop + 1]!.timestamp <= horizon) drop++;
    if (drop > 0) {
      versions.splice(0, drop);
      this.versionCount -= drop;
    }
    if (versions.length === 1 && versions[0]!.value === null && versions[0]!.timestamp <= horizon) {
      this.entries.delete(id);
      this.versionCount--;
    }
  }
}
