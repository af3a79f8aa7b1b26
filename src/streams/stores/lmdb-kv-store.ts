// A persistent key-value store on LMDB (npm `lmdb`, the maintained lmdb-js bindings).
//
// Why LMDB: its npm package ships prebuilt binaries for Linux/macOS/Windows inside registry
// packages (@lmdb/lmdb-<platform>), so it installs with no download from elsewhere and no
// compiler, and it supports Node 20 (better-sqlite3 13 requires Node 22; its older releases fetch
// prebuilds from GitHub or compile SQLite). LMDB is a memory-mapped B+tree with ACID transactions
// and crash safety, read paths that do not copy through the JS heap, and no background
// compaction threads to tune (unlike RocksDB, Kafka Streams' choice, which has no maintained
// Node binding). The dependency is loaded lazily, so in-memory apps do not need it.
//
// Memory is bounded: decoded values live in an LRU cache of `cacheEntries`; writes wait in a
// pending map that is written in one LMDB transaction at every flush (commit) or when it
// reaches `cacheEntries`.
//
// Checkpoint (what makes a restart restore only what changed): the `meta` database holds one
// entry, `checkpoint` = { "offset": "<next changelog offset>" } (JSON, version 1). It is written
// only on a clean close that followed a commit with no writes since, and deleted as soon as the
// store opens. A store that opens without a checkpoint (first start, or a crash) cannot know
// which of its local writes reached the changelog, so it is cleared and restored in full.
// The protocol is implemented once, in lmdb-env.ts, for every persistent store kind.

import type { Serde } from '../serdes.js';
import type { ChangelogRecord } from '../engine/transport.js';
import { keyIds, type KeyIds } from './key-ids.js';
import { LmdbEnv, type LmdbDatabase } from './lmdb-env.js';
import type { ChangeLogger, KeyValueStore, StoreSpec } from './store.js';

interface Pending<K, V> {
  key: K;
  keyBytes: Buffer;
  value: V | undefined;
  valueBytes: Buffer | null;
}

export class LmdbKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly kind = 'key-value' as const;
  readonly name: string;
  private readonly keySerde: Serde<K>;
  private readonly valueSerde: Serde<V>;
  private readonly ids: KeyIds<K>;
  private readonly cacheEntries: number;
  /** LRU of decoded values: Map iteration order is insertion order, so re-insert on hit. */
  private readonly cache = new Map<string, V>();
  private readonly pending = new Map<string, Pending<K, V>>();
  private logger: ChangeLogger = { log: () => {} };
  private readonly data: LmdbDatabase;

  private constructor(
    spec: StoreSpec<K, V>,
    private readonly env: LmdbEnv,
  ) {
    this.data = env.db('data');
    this.name = spec.name;
    this.keySerde = spec.keySerde;
    this.valueSerde = spec.valueSerde;
    this.ids = keyIds(spec.keySerde);
    this.cacheEntries = Math.max(1, spec.options.cacheEntries ?? 10_000);
  }

  /** Open (creating) the store under `dir`, consuming its checkpoint. */
  static async open<K, V>(spec: StoreSpec<K, V>, dir: string): Promise<LmdbKeyValueStore<K, V>> {
    return new LmdbKeyValueStore(spec, await LmdbEnv.open(dir, spec.name, ['data']));
  }

  init(logger: ChangeLogger): void {
    this.logger = logger;
  }

  checkpoint(): bigint | undefined {
    return this.env.restoredFrom;
  }

  restoreBatch(records: readonly ChangelogRecord[]): void {
    this.data.transactionSync(() => {
      for (const r of records) {
        this.cache.delete(this.ids.ofBytes(r.key));
        if (r.value === null) this.data.removeSync(r.key);
        else this.data.putSync(r.key, r.value);
      }
    });
  }

  changelogValue(key: Buffer): Buffer | null {
    const p = this.pending.get(this.ids.ofBytes(key));
    if (p) return p.valueBytes;
    const bytes = this.data.getBinary(key);
    return bytes === undefined ? null : Buffer.from(bytes);
  }

  get(key: K): V | undefined {
    const id = this.ids.of(key);
    const p = this.pending.get(id);
    if (p) return p.value;
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const bytes = this.data.getBinary(this.keySerde.serialize(key));
    if (bytes === undefined) return undefined;
    const value = this.valueSerde.deserialize(bytes);
    this.remember(id, value);
    return value;
  }

  put(key: K, value: V): void {
    this.write(key, value, this.valueSerde.serialize(value));
  }

  delete(key: K): void {
    if (this.get(key) === undefined) return;
    this.write(key, undefined, null);
  }

  *all(): IterableIterator<[K, V]> {
    this.writePending();
    for (const { key, value } of this.data.getRange()) {
      yield [this.keySerde.deserialize(Buffer.from(key)), this.valueSerde.deserialize(Buffer.from(value))];
    }
  }

  range(from?: K, to?: K): Array<[K, V]> {
    this.writePending();
    const start = from === undefined ? undefined : this.keySerde.serialize(from);
    const last = to === undefined ? undefined : this.keySerde.serialize(to);
    const out: Array<[K, V]> = [];
    for (const { key, value } of this.data.getRange(start ? { start } : {})) {
      if (last && Buffer.compare(key, last) > 0) break;
      out.push([this.keySerde.deserialize(Buffer.from(key)), this.valueSerde.deserialize(Buffer.from(value))]);
    }
    return out;
  }

  prefixScan(prefix: Buffer): Array<[K, V]> {
    this.writePending();
    const out: Array<[K, V]> = [];
    for (const { key, value } of this.data.getRange({ start: prefix })) {
      if (key.length < prefix.length || Buffer.compare(key.subarray(0, prefix.length), prefix) !== 0) break;
      out.push([this.keySerde.deserialize(Buffer.from(key)), this.valueSerde.deserialize(Buffer.from(value))]);
    }
    return out;
  }

  approximateEntries(): number {
    return this.data.getCount() + this.pending.size;
  }

  async flush(): Promise<void> {
    this.writePending();
  }

  committed(changelogEndOffset: bigint): void {
    this.env.committed(changelogEndOffset);
  }

  async close(): Promise<void> {
    this.writePending();
    this.cache.clear();
    await this.env.close();
  }

  private write(key: K, value: V | undefined, valueBytes: Buffer | null): void {
    const id = this.ids.of(key);
    const keyBytes = this.keySerde.serialize(key);
    this.pending.set(id, { key, keyBytes, value, valueBytes });
    this.cache.delete(id);
    this.env.touched();
    this.logger.log(keyBytes, valueBytes);
    if (this.pending.size >= this.cacheEntries) this.writePending();
  }

  private writePending(): void {
    if (this.pending.size === 0) return;
    this.data.transactionSync(() => {
      for (const p of this.pending.values()) {
        if (p.valueBytes === null) this.data.removeSync(p.keyBytes);
        else this.data.putSync(p.keyBytes, p.valueBytes);
      }
    });
    for (const [id, p] of this.pending) if (p.value !== undefined) this.remember(id, p.value);
    this.pending.clear();
  }

  private remember(id: string, value: V): void {
    this.cache.set(id, value);
    if (this.cache.size > this.cacheEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}
