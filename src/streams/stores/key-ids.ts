// Stores index typed keys by a string identity derived from the key's *serialized* bytes, so two
// keys are the same exactly when Kafka would consider them the same (byte equality), whatever
// their JS type. For the built-in string serde the string itself is the identity (UTF-8 is
// injective), which saves an encode on every lookup.

import { string as stringSerde, type Serde } from '../serdes.js';

export interface KeyIds<K> {
  /** Identity of a typed key. */
  of(key: K): string;
  /** Identity of a serialized key (from a changelog record). */
  ofBytes(bytes: Buffer): string;
}

export function keyIds<K>(serde: Serde<K>): KeyIds<K> {
  if ((serde as Serde<unknown>) === (stringSerde as Serde<unknown>)) {
    return { of: (k) => k as unknown as string, ofBytes: (b) => b.toString('utf8') };
  }
  return { of: (k) => serde.serialize(k).toString('latin1'), ofBytes: (b) => b.toString('latin1') };
}
