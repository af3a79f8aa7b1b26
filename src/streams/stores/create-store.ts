// Creates one task's instance of a declared store (any kind): in memory by default, on LMDB under
// `<stateDir>/<appId>/<taskId>/` when the store is declared persistent.

import { join } from 'node:path';
import { StreamsError } from '../errors.js';
import { LmdbKeyValueStore } from './lmdb-kv-store.js';
import { LmdbSessionStore } from './lmdb-session-store.js';
import { LmdbWindowStore } from './lmdb-window-store.js';
import { MemoryKeyValueStore } from './memory-kv-store.js';
import { MemorySessionStore } from './memory-session-store.js';
import { MemoryWindowStore } from './memory-window-store.js';
import { MemoryVersionedStore } from './versioned-store.js';
import type { StateStore, StoreSpec } from './store.js';

export interface StoreLocation {
  /** Root of local state; required for persistent stores. */
  readonly stateDir: string | undefined;
  readonly appId: string;
  readonly taskId: string;
}

export async function createStore(spec: StoreSpec, where: StoreLocation): Promise<StateStore> {
  // Versioned stores are in memory only: their history is bounded by the retention, and a restart
  // restores it from the changelog.
  if (spec.kind === 'versioned') return new MemoryVersionedStore(spec);
  if (spec.options.persistent) {
    if (!where.stateDir) {
      throw new StreamsError('TOPOLOGY_INVALID', `store '${spec.name}' is persistent but the app has no stateDir`);
    }
    const dir = join(where.stateDir, where.appId, where.taskId);
    switch (spec.kind) {
      case 'key-value':
        return LmdbKeyValueStore.open(spec, dir);
      case 'window':
        return LmdbWindowStore.open(spec, dir);
      case 'session':
        return LmdbSessionStore.open(spec, dir);
    }
  }
  switch (spec.kind) {
    case 'key-value':
      return new MemoryKeyValueStore(spec);
    case 'window':
      return new MemoryWindowStore(spec);
    case 'session':
      return new MemorySessionStore(spec);
  }
}
