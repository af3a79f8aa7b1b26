// Creates one task's instance of a declared store: in memory by default, on LMDB under
// `<stateDir>/<appId>/<taskId>/` when the store is declared persistent.

import { join } from 'node:path';
import { StreamsError } from '../errors.js';
import { LmdbKeyValueStore } from './lmdb-kv-store.js';
import { MemoryKeyValueStore } from './memory-kv-store.js';
import { MemorySessionStore } from './memory-session-store.js';
import { MemoryWindowStore } from './memory-window-store.js';
import type { StateStore, StoreSpec } from './store.js';

export interface StoreLocation {
  /** Root of local state; required for persistent stores. */
  readonly stateDir: string | undefined;
  readonly appId: string;
  readonly taskId: string;
}

export async function createStore(spec: StoreSpec, where: StoreLocation): Promise<StateStore> {
  if (spec.options.persistent) {
    if (spec.kind !== 'key-value') {
      throw new StreamsError('TOPOLOGY_INVALID', `store '${spec.name}': persistent ${spec.kind} stores are not implemented yet; use an in-memory one`);
    }
    if (!where.stateDir) {
      throw new StreamsError('TOPOLOGY_INVALID', `store '${spec.name}' is persistent but the app has no stateDir`);
    }
    return LmdbKeyValueStore.open(spec, join(where.stateDir, where.appId, where.taskId));
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
