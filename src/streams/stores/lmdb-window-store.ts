// A persistent window store on LMDB, with the contract of MemoryWindowStore (store.ts). Key
// layouts are in lmdb-time-keys.ts; the checkpoint protocol in lmdb-env.ts; what it shares with
// the session store (no caching, unlogged chunked expiry) in lmdb-time-store.ts.

import type { ChangelogRecord } from '../engine/transport.js';
import { LmdbEnv } from './lmdb-env.js';
import { dataKey, ord64, presence, readOrd64, timeKey } from './lmdb-time-keys.js';
import { LmdbTimeStore } from './lmdb-time-store.js';
import { parseWindowKey, windowKey } from './store-keys.js';
import type { StoreSpec, WindowEntry, WindowStore } from './store.js';

/** `index` is by window start: timeKey(key, start). */
export class LmdbWindowStore<K, V> extends LmdbTimeStore<K, V> implements WindowStore<K, V> {
  readonly kind = 'window' as const;

  private constructor(spec: StoreSpec<K, V>, env: LmdbEnv) {
    super(spec, env, 'by-start');
  }

  static async open<K, V>(spec: StoreSpec<K, V>, dir: string): Promise<LmdbWindowStore<K, V>> {
    return new LmdbWindowStore(spec, await LmdbEnv.open(dir, spec.name, ['data', 'by-start']));
  }

  protected override restoreRecord(r: ChangelogRecord): void {
    const { key, start } = parseWindowKey(r.key);
    if (r.value === null) this.removeLocal(key, start);
    else this.setLocal(key, start, r.value);
  }

  protected override dataKeyOf(changelogKey: Buffer): Buffer {
    const { key, start } = parseWindowKey(changelogKey);
    return dataKey(key, start);
  }

  protected override removeIndexed(t: Buffer): void {
    this.removeLocal(t.subarray(8), readOrd64(t, 0));
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

  delete(key: K, windowStart: number): void {
    const keyBytes = this.keySerde.serialize(key);
    if (this.data.getBinary(dataKey(keyBytes, windowStart)) === undefined) return;
    this.env.transaction(() => this.removeLocal(keyBytes, windowStart));
    this.env.touched();
    this.logger.log(windowKey(keyBytes, windowStart), null);
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
    for (const { key: t } of this.index.getRange({ start: ord64(fromStart), end: ord64(toStart + 1) })) {
      const start = readOrd64(t, 0);
      const keyBytes = Buffer.from(t.subarray(8));
      const bytes = this.data.getBinary(dataKey(keyBytes, start));
      if (bytes === undefined) continue;
      out.push({ key: this.keySerde.deserialize(keyBytes), start, value: this.valueSerde.deserialize(Buffer.from(bytes)) });
    }
    return out;
  }

  earliestStart(): number | undefined {
    return this.earliestIndexed();
  }

  private setLocal(keyBytes: Buffer, start: number, valueBytes: Buffer): void {
    this.data.putSync(dataKey(keyBytes, start), valueBytes);
    this.index.putSync(timeKey(keyBytes, start), presence);
  }

  private removeLocal(keyBytes: Buffer, start: number): void {
    this.data.removeSync(dataKey(keyBytes, start));
    this.index.removeSync(timeKey(keyBytes, start));
  }
}
