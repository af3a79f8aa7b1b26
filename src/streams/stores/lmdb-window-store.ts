// A persistent window store on LMDB, with the contract of MemoryWindowStore (store.ts). Key
// layouts are in lmdb-time-keys.ts; the checkpoint protocol in lmdb-env.ts.
//
// Memory is bounded by not caching: every read decodes from LMDB's memory map (pages the OS can
// evict), and every write goes straight to LMDB. Expiry deletes from both databases and, like the
// in-memory store, is not logged (windowed changelogs are compacted and time-retained).

import type { Serde } from '../serdes.js';
import type { ChangelogRecord } from '../engine/transport.js';
import { LmdbEnv, type LmdbDatabase } from './lmdb-env.js';
import { dataKey, ord64, presence, readOrd64, timeKey } from './lmdb-time-keys.js';
import { parseWindowKey, windowKey } from './store-keys.js';
import type { ChangeLogger, StoreSpec, WindowEntry, WindowStore } from './store.js';

const expiryChunk = 10_000;

export class LmdbWindowStore<K, V> implements WindowStore<K, V> {
  readonly kind = 'window' as const;
  readonly name: string;
  private readonly keySerde: Serde<K>;
  private readonly valueSerde: Serde<V>;
  private readonly data: LmdbDatabase;
  private readonly byStart: LmdbDatabase;
  private logger: ChangeLogger = { log: () => {} };

  private constructor(
    spec: StoreSpec<K, V>,
    private readonly env: LmdbEnv,
  ) {
    this.name = spec.name;
    this.keySerde = spec.keySerde;
    this.valueSerde = spec.valueSerde;
    this.data = env.db('data');
    this.byStart = env.db('by-start');
  }

  static async open<K, V>(spec: StoreSpec<K, V>, dir: string): Promise<LmdbWindowStore<K, V>> {
    return new LmdbWindowStore(spec, await LmdbEnv.open(dir, spec.name, ['data', 'by-start']));
  }

  init(logger: ChangeLogger): void {
    this.logger = logger;
  }

  checkpoint(): bigint | undefined {
    return this.env.restoredFrom;
  }

  restoreBatch(records: readonly ChangelogRecord[]): void {
    this.env.transaction(() => {
      for (const r of records) {
        const { key, start } = parseWindowKey(r.key);
        if (r.value === null) this.removeLocal(key, start);
        else this.setLocal(key, start, r.value);
      }
    });
  }

  changelogValue(changelogKey: Buffer): Buffer | null {
    const { key, start } = parseWindowKey(changelogKey);
    const bytes = this.data.getBinary(dataKey(key, start));
    return bytes === undefined ? null : Buffer.from(bytes);
  }

  get(key: K, windowStart: number): V | undefined {
    const bytes = this.data.getBinary(dataKey(this.keySerde.serialize(key), windowStart));
    return bytes === undefined ? undefined : this.valueSerde.deserialize(Buffer.from(bytes));
  }

  put(key: K, windowStart: number, value: V): void {
    const keyBytes = this.keySerde.serialize(key);
    const valueBytes = this.valueSerde.serialize(value);
    this.env.transaction(() => this.setLocal(keyBytes, windowStart, valueBytes));
    this.env.touched();
    this.logger.log(windowKey(keyBytes, windowStart), valueBytes);
  }

  fetch(key: K, fromStart: number, toStart: number): Array<[number, V]> {
    const keyBytes = this.keySerde.serialize(key);
    const out: Array<[number, V]> = [];
    if (toStart < fromStart) return out;
    const at = 4 + keyBytes.length;
    for (const { key: k, value } of this.data.getRange({ start: dataKey(keyBytes, fromStart), end: dataKey(keyBytes, toStart + 1) })) {
      out.push([readOrd64(k, at), this.valueSerde.deserialize(Buffer.from(value))]);
    }
    return out;
  }

  fetchAll(fromStart: number, toStart: number): Array<WindowEntry<K, V>> {
    const out: Array<WindowEntry<K, V>> = [];
    if (toStart < fromStart) return out;
    for (const { key: t } of this.byStart.getRange({ start: ord64(fromStart), end: ord64(toStart + 1) })) {
      const start = readOrd64(t, 0);
      const keyBytes = Buffer.from(t.subarray(8));
      const bytes = this.data.getBinary(dataKey(keyBytes, start));
      if (bytes === undefined) continue;
      out.push({ key: this.keySerde.deserialize(keyBytes), start, value: this.valueSerde.deserialize(Buffer.from(bytes)) });
    }
    return out;
  }

  earliestStart(): number | undefined {
    for (const { key } of this.byStart.getRange({ limit: 1 })) return readOrd64(key, 0);
    return undefined;
  }

  expire(beforeStart: number): void {
    // Not `touched`: expiry is not logged, so it cannot make a checkpoint stale.
    // In bounded chunks, so a large expiry never holds every doomed key in memory at once.
    const end = ord64(beforeStart);
    for (;;) {
      const doomed = [...this.byStart.getRange({ end, limit: expiryChunk })].map(({ key }) => Buffer.from(key));
      if (doomed.length === 0) return;
      this.env.transaction(() => {
        for (const t of doomed) this.removeLocal(t.subarray(8), readOrd64(t, 0));
      });
    }
  }

  approximateEntries(): number {
    return this.byStart.getCount();
  }

  async flush(): Promise<void> {}

  committed(changelogEndOffset: bigint): void {
    this.env.committed(changelogEndOffset);
  }

  async close(): Promise<void> {
    await this.env.close();
  }

  private setLocal(keyBytes: Buffer, start: number, valueBytes: Buffer): void {
    this.data.putSync(dataKey(keyBytes, start), valueBytes);
    this.byStart.putSync(timeKey(keyBytes, start), presence);
  }

  private removeLocal(keyBytes: Buffer, start: number): void {
    this.data.removeSync(dataKey(keyBytes, start));
    this.byStart.removeSync(timeKey(keyBytes, start));
  }
}
