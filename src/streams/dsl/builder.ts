// The state the DSL classes share while a topology is being built: the topology itself and
// naming. Node names follow Kafka Streams' style (KSTREAM-FILTER-0000000003) so topology
// descriptions read familiarly; store and repartition names come from the user where given.

import { toMillis, type Duration } from '../duration.js';
import { StreamsError } from '../errors.js';
import type { Serde } from '../serdes.js';
import type { Processor } from '../engine/processor.js';
import { Topology } from '../engine/topology.js';
import type { StoreKind, StoreOptions, StoreSpec } from '../stores/store.js';

export class Builder {
  readonly topology: Topology;
  private counter = 0;

  constructor(readonly appId: string) {
    this.topology = new Topology(appId);
  }

  nodeName(kind: string): string {
    return `KSTREAM-${kind}-${String(this.counter++).padStart(10, '0')}`;
  }

  autoName(kind: string): string {
    return `${kind}-${String(this.counter++).padStart(10, '0')}`;
  }

  addProcessor(kind: string, parents: readonly string[], create: () => Processor<unknown, unknown>, stores: readonly string[] = []): string {
    const name = this.nodeName(kind);
    this.topology.addNode({ kind: 'processor', name, create, stores, children: [] }, parents);
    return name;
  }

  addStore<K, V>(name: string, kind: StoreKind, keySerde: Serde<K>, valueSerde: Serde<V>, options: StoreOptions = {}): string {
    const spec: StoreSpec<K, V> = { name, kind, changelogTopic: `${this.appId}-${name}-changelog`, keySerde, valueSerde, options };
    this.topology.addStore(spec as unknown as StoreSpec);
    return name;
  }

  /** A sink then a source over the internal topic `name`; returns the source node. */
  throughTopic<K, V>(from: string, topic: string, key: Serde<K>, value: Serde<V>, kind: 'repartition' | 'subscription' = 'repartition', partitions?: number): string {
    this.topology.addRepartitionTopic(topic, partitions);
    this.topology.addNode(
      { kind: 'sink', name: this.nodeName(`${kind.toUpperCase()}-SINK`), topic, keySerde: key as Serde<unknown>, valueSerde: value as Serde<unknown>, children: [] },
      [from],
    );
    const source = this.nodeName(`${kind.toUpperCase()}-SOURCE`);
    this.topology.addNode(
      { kind: 'source', name: source, topic, keySerde: key as Serde<unknown>, valueSerde: value as Serde<unknown>, timestamp: undefined, keepNullValues: false, children: [] },
      [],
    );
    return source;
  }

  /** `<appId>-<name>-repartition` between `from` and a new source; `name` defaults to an automatic one. */
  repartition<K, V>(from: string, key: Serde<K>, value: Serde<V>, name: string | undefined, partitions?: number): string {
    return this.throughTopic(from, `${this.appId}-${name ?? this.autoName('repartition')}-repartition`, key, value, 'repartition', partitions);
  }
}

export function requireSerde<T>(serde: Serde<T> | undefined, what: string): Serde<T> {
  if (!serde) {
    throw new StreamsError('MISSING_SERDE', `${what}: the stream's serde is unknown here (its type changed upstream); pass one in the options`);
  }
  return serde;
}

/** Options every stateful operation accepts for its store. */
export interface Materialized extends Omit<StoreOptions, 'prefixLength' | 'historyRetentionMs'> {
  /** Store name; also names the changelog topic `<appId>-<store>-changelog`. */
  store?: string;
  /**
   * Materialize in a versioned key-value store (KIP-889) keeping past values for this long of
   * stream time; stream-table joins then look up the value valid at each record's timestamp.
   */
  versioned?: { historyRetention: Duration };
}

/** The store options of a Materialized (without its name). */
export function storeOptionsOf(o: Materialized | undefined): StoreOptions {
  const { store: _store, versioned, ...rest } = o ?? {};
  return versioned ? { ...rest, historyRetentionMs: toMillis(versioned.historyRetention) } : rest;
}
