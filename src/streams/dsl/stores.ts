// Store declarations for the processor escape hatch: `stream.process(loop, { stores: { seen:
// keyValueStore(string, int64) } })` makes `ctx.store('seen')` a KeyValueStore<string, number>.

import type { Serde } from '../serdes.js';
import type { KeyValueStore, SessionStore, StoreOptions, WindowStore } from '../stores/store.js';
import type { StoreDeclaration } from './types.js';

export function keyValueStore<K, V>(key: Serde<K>, value: Serde<V>, options: StoreOptions = {}): StoreDeclaration<KeyValueStore<K, V>> {
  return { kind: 'key-value', keySerde: key as Serde<unknown>, valueSerde: value as Serde<unknown>, options };
}

export function windowStore<K, V>(key: Serde<K>, value: Serde<V>, options: StoreOptions = {}): StoreDeclaration<WindowStore<K, V>> {
  return { kind: 'window', keySerde: key as Serde<unknown>, valueSerde: value as Serde<unknown>, options };
}

export function sessionStore<K, V>(key: Serde<K>, value: Serde<V>, options: StoreOptions = {}): StoreDeclaration<SessionStore<K, V>> {
  return { kind: 'session', keySerde: key as Serde<unknown>, valueSerde: value as Serde<unknown>, options };
}
