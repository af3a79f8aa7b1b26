// A persistent session store on LMDB, with the contract of MemorySessionStore (store.ts). Key
// layouts are in lmdb-time-keys.ts; the checkpoint protocol in lmdb-env.ts; what it shares with
// the window store (no caching, unlogged chunked expiry) in lmdb-time-store.ts.

import type { ChangelogRecord } from '../engine/transport.js';
import type { TimeWindow } from '../windows.js';
import { LmdbEnv } from './lmdb-env.js';
import { dataKey, ord64, presence, readOrd64, timeKey } from './lmdb-time-keys.js';
import { LmdbTimeStore } from './lmdb-time-store.js';
import { parseSessionKey, sessionKey } from './store-keys.js';
import type { SessionEntry, SessionStore, StoreSpec } from './store.js';

/** `index` is by session end: timeKey(key, end, start). */
export class LmdbSessionStore<K, V> extends LmdbTimeStore<K, V> implements SessionStore<K, V> {
  readonly kind = 'session' as const;

  private constructor(spec: StoreSpec<K, V>, env: LmdbEnv) {
    super(spec, env, 'by-end');
  }

  static async open<K, V>(spec: StoreSpec<K, V>, dir: string): Promise<LmdbSessionStore<K, V>> {
    return new LmdbSessionStore(spec, await LmdbEnv.open(dir, spec.name, ['data', 'by-end']));
  }

  protected override restoreRecord(r: ChangelogRecord): void {
    const { key, start, end } = parseSessionKey(r.key);
    if (r.value === null) this.removeLocal(key, start, end);
    else this.setLocal(key, start, end, r.value);
  }

  protected override dataKeyOf(changelogKey: Buffer): Buffer {
    const { key, start, end } = parseSessionKey(changelogKey);
    return dataKey(key, start, end);
  }

  protected override removeIndexed(t: Buffer): void {
    this.removeLocal(t.subarray(16), readOrd64(t, 8), readOrd64(t, 0));
  }

  sessions(key: K): ReadonlyArray<SessionEntry<K, V>> {
    const keyBytes = this.keySerde.serialize(key);
    const at = 4 + keyBytes.length;
    const out: Array<SessionEntry<K, V>> = [];
    const range = { start: dataKey(keyBytes, Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER), end: dataKey(keyBytes, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) };
    for (const { key: k, value } of this.data.getRange(range)) {
      const window = { start: readOrd64(k, at), end: readOrd64(k, at + 8) };
      out.push({ key, window, value: this.valueSerde.deserialize(Buffer.from(value)) });
    }
    return out;
  }

  put(key: K, window: TimeWindow, value: V): void {
    const keyBytes = this.keySerde.serialize(key);
    const valueBytes = this.valueSerde.serialize(value);
    this.env.transaction(() => this.setLocal(keyBytes, window.start, window.end, valueBytes));
    this.env.touched();
    this.logger.log(sessionKey(keyBytes, window.start, window.end), valueBytes);
  }

  remove(key: K, window: TimeWindow): void {
    const keyBytes = this.keySerde.serialize(key);
    if (this.data.getBinary(dataKey(keyBytes, window.start, window.end)) === undefined) return;
    this.env.transaction(() => this.removeLocal(keyBytes, window.start, window.end));
    this.env.touched();
    this.logger.log(sessionKey(keyBytes, window.start, window.end), null);
  }

  endingBy(maxEnd: number): Array<SessionEntry<K, V>> {
    const out: Array<SessionEntry<K, V>> = [];
    for (const { key: t } of this.index.getRange({ end: ord64(maxEnd + 1) })) {
      const window = { start: readOrd64(t, 8), end: readOrd64(t, 0) };
      const keyBytes = Buffer.from(t.subarray(16));
      const bytes = this.data.getBinary(dataKey(keyBytes, window.start, window.end));
      if (bytes === undefined) continue;
      out.push({ key: this.keySerde.deserialize(keyBytes), window, value: this.valueSerde.deserialize(Buffer.from(bytes)) });
    }
    return out;
  }

  earliestEnd(): number | undefined {
    return this.earliestIndexed();
  }

  private setLocal(keyBytes: Buffer, start: number, end: number, valueBytes: Buffer): void {
    this.data.putSync(dataKey(keyBytes, start, end), valueBytes);
    this.index.putSync(timeKey(keyBytes, end, start), presence);
  }

  private removeLocal(keyBytes: Buffer, start: number, end: number): void {
    this.data.removeSync(dataKey(keyBytes, start, end));
    this.index.removeSync(timeKey(keyBytes, end, start));
  }
}
