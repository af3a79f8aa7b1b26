// What every store class holds the same way: its name and serdes from the spec, and the change
// logger the task attaches with init(). Store kinds add their own data and index structures.

import type { Serde } from '../serdes.js';
import type { ChangeLogger, StoreSpec } from './store.js';

/** Logs nothing: a store's logger until the task calls init() (restore is never logged). */
const noLogging: ChangeLogger = { log: () => {} };

export abstract class StoreBase<K, V> {
  readonly name: string;
  protected readonly keySerde: Serde<K>;
  protected readonly valueSerde: Serde<V>;
  protected logger: ChangeLogger = noLogging;

  protected constructor(spec: StoreSpec<K, V>) {
    this.name = spec.name;
    this.keySerde = spec.keySerde;
    this.valueSerde = spec.valueSerde;
  }

  init(logger: ChangeLogger): void {
    this.logger = logger;
  }
}
