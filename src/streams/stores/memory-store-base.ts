// What the in-memory stores share: key identities (so reads need no serde), the `maxEntries`
// bound, and a lifecycle with nothing durable: no checkpoint (nothing survives a restart, so the
// whole changelog is restored), nothing to flush or to record at commit.

import { keyIds, type KeyIds } from './key-ids.js';
import { StoreBase } from './store-base.js';
import { defaultMaxEntries, type StoreSpec } from './store.js';

export abstract class MemoryStoreBase<K, V> extends StoreBase<K, V> {
  protected readonly ids: KeyIds<K>;
  protected readonly maxEntries: number;

  protected constructor(spec: StoreSpec<K, V>) {
    super(spec);
    this.ids = keyIds(spec.keySerde);
    this.maxEntries = spec.options.maxEntries ?? defaultMaxEntries;
  }

  checkpoint(): bigint | undefined {
    return undefined; // nothing survives a restart: restore the whole changelog
  }

  async flush(): Promise<void> {}

  committed(): void {}
}
