// What the LMDB window and session stores share: a `data` database keyed by lmdb-time-keys'
// dataKey, and a time index (window start or session end first) that expiry and range scans
// walk. Nothing is cached (memory stays bounded), writes go straight to LMDB, and expiry is not
// logged (windowed changelogs are compacted and time-retained).

import type { ChangelogRecord } from '../engine/transport.js';
import type { LmdbDatabase, LmdbEnv } from './lmdb-env.js';
import { LmdbStoreBase } from './lmdb-store-base.js';
import { ord64, readOrd64 } from './lmdb-time-keys.js';
import type { StoreSpec } from './store.js';

const expiryChunk = 10_000;

export abstract class LmdbTimeStore<K, V> extends LmdbStoreBase<K, V> {
  protected readonly data: LmdbDatabase;
  /** Keys ordered by time first: by window start, or by session end. */
  protected readonly index: LmdbDatabase;

  protected constructor(spec: StoreSpec<K, V>, env: LmdbEnv, indexName: string) {
    super(spec, env);
    this.data = env.db('data');
    this.index = env.db(indexName);
  }

  /** Applies one changelog record to the local copy (restore: not logged, not `touched`). */
  protected abstract restoreRecord(record: ChangelogRecord): void;

  /** The `data` key a changelog key maps to. */
  protected abstract dataKeyOf(changelogKey: Buffer): Buffer;

  /** Removes the entry an index key names, from both databases. */
  protected abstract removeIndexed(indexKey: Buffer): void;

  restoreBatch(records: readonly ChangelogRecord[]): void {
    this.env.transaction(() => {
      for (const r of records) this.restoreRecord(r);
    });
  }

  changelogValue(changelogKey: Buffer): Buffer | null {
    const bytes = this.data.getBinary(this.dataKeyOf(changelogKey));
    return bytes === undefined ? null : Buffer.from(bytes);
  }

  /** Drops every entry whose index time is below `before`. */
  expire(before: number): void {
    // Not `touched`: expiry is not logged, so it cannot make a checkpoint stale.
    // In bounded chunks, so a large expiry never holds every doomed key in memory at once.
    const end = ord64(before);
    for (;;) {
      const doomed = [...this.index.getRange({ end, limit: expiryChunk })].map(({ key }) => Buffer.from(key));
      if (doomed.length === 0) return;
      this.env.transaction(() => {
        for (const t of doomed) this.removeIndexed(t);
      });
    }
  }

  /** The smallest index time held (window start or session end), or undefined when empty. */
  protected earliestIndexed(): number | undefined {
    for (const { key } of this.index.getRange({ limit: 1 })) return readOrd64(key, 0);
    return undefined;
  }

  approximateEntries(): number {
    return this.index.getCount();
  }

  async flush(): Promise<void> {}
}
