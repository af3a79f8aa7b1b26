// What the LMDB stores share: the environment whose checkpoint protocol (lmdb-env.ts) gives the
// restore offset, records the committed changelog end, and is closed with the store.

import type { LmdbEnv } from './lmdb-env.js';
import { StoreBase } from './store-base.js';
import type { StoreSpec } from './store.js';

export abstract class LmdbStoreBase<K, V> extends StoreBase<K, V> {
  protected constructor(
    spec: StoreSpec<K, V>,
    protected readonly env: LmdbEnv,
  ) {
    super(spec);
  }

  checkpoint(): bigint | undefined {
    return this.env.restoredFrom;
  }

  committed(changelogEndOffset: bigint): void {
    this.env.committed(changelogEndOffset);
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}
