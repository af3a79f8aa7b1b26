// A persistent session store on LMDB, with the contract of MemorySessionStore (store.ts). Key
// layouts are in lmdb-time-keys.ts; the checkpoint protocol in lmdb-env.ts. As in the window
// store, nothing is cached (memory stays bounded) and expiry is not logged.

import type { Serde } from '../serdes.js';
import type { ChangelogRecord } from '../engine/transport.js';
import type { TimeWindow } from '../windows.js';
import { LmdbEnv, type LmdbDatabase } from './lmdb-env.js';
import { dataKey, ord64, presence, readOrd64, timeKey } from './lmdb-time-keys.js';
import { parseSessionKey, sessionKey } from './store-keys.js';
import type { ChangeLogger, SessionEntry, SessionStore, StoreSpec } from './store.js';

const expiryChunk = 10_000;

export class LmdbSessionStore<K, V> implements SessionStore<K, V> {
  readonly kind = 'session' as const;
  readonly name: string;
  private readonly keySerde: Serde<K>;
  private readonly valueSerde: Serde<V>;
  private readonly data: LmdbDatabase;
  private readonly byEnd: LmdbDatabase;
  private logger: ChangeLogger = { log: () => {} };

  private constructor(
    spec: StoreSpec<K, V>,
    private readonly env: LmdbEnv,
  ) {
    this.name = spec.name;
    this.keySerde = spec.keySerde;
    this.valueSerde = spec.valueSerde;
    this.data = env.db('data');
    this.byEnd = env.db('by-end');
  }

  static async open<K, V>(spec: StoreSpec<K, V>, dir: string): Promise<LmdbSessionStore<K, V>> {
    return new LmdbSessionStore(spec, await LmdbEnv.open(dir, spec.name, ['data', 'by-end']));
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
        const { key, start, end } = parseSessionKey(r.key);
        if (r.value === null) this.removeLocal(key, start, end);
        else this.setLocal(key, start, end, r.value);
      }
    });
  }

  changelogValue(changelogKey: Buffer): Buffer | null {
    const { key, start, end } = parseSessionKey(changelogKey);
    const bytes = this.data.getBinary(dataKey(key, start, end));
    return bytes === undefined ? null : Buffer.from(bytes);
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
    for (const { key: t } of this.byEnd.getRange({ end: ord64(maxEnd + 1) })) {
      const window = { start: readOrd64(t, 8), end: readOrd64(t, 0) };
      const keyBytes = Buffer.from(t.subarray(16));
      const bytes = this.data.getBinary(dataKey(keyBytes, window.start, window.end));
      if (bytes === undefined) continue;
      out.push({ key: this.keySerde.deserialize(keyBytes), window, value: this.valueSerde.deserialize(Buffer.from(bytes)) });
    }
    return out;
  }

  earliestEnd(): number | undefined {
    for (const { key } of this.byEnd.getRange({ limit: 1 })) return readOrd64(key, 0);
    return undefined;
  }

  expire(beforeEnd: number): void {
    // Not `touched`: expiry is not logged, so it cannot make a checkpoint stale.
    // In bounded chunks, so a large expiry never holds every doomed key in memory at once.
    const end = ord64(beforeEnd);
    for (;;) {
      const doomed = [...this.byEnd.getRange({ end, limit: expiryChunk })].map(({ key }) => Buffer.from(key));
      if (doomed.length === 0) return;
      this.env.transaction(() => {
        for (const t of doomed) this.removeLocal(t.subarray(16), readOrd64(t, 8), readOrd64(t, 0));
      });
    }
  }

  approximateEntries(): number {
    return this.byEnd.getCount();
  }

  async flush(): Promise<void> {}

  committed(changelogEndOffset: bigint): void {
    this.env.committed(changelogEndOffset);
  }

  async close(): Promise<void> {
    await this.env.close();
  }

  private setLocal(keyBytes: Buffer, start: number, end: number, valueBytes: Buffer): void {
    this.data.putSync(dataKey(keyBytes, start, end), valueBytes);
    this.byEnd.putSync(timeKey(keyBytes, end, start), presence);
  }

  private removeLocal(keyBytes: Buffer, start: number, end: number): void {
    this.data.removeSync(dataKey(keyBytes, start, end));
    this.byEnd.removeSync(timeKey(keyBytes, end, start));
  }
}
