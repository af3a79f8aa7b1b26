// `new App({ appId, ... })` is where a topology starts: sources come from here, and the finished
// topology (plus the app's runtime options) is what the TestDriver and the Kafka runtime run.
// This module is the DSL's composition root: it wires the implementations together in a Kit.

import type { RunnableApp, RunningApp } from '../runtime/running-app.js';
import type { AppOptions } from './app-options.js';
import type { Serde } from '../serdes.js';
import type { Processor } from '../engine/processor.js';
import type { Topology } from '../engine/topology.js';
import { TableSourceProcessor } from '../ops/aggregate.js';
import { storeGetter } from '../ops/table-ops.js';
import { Builder, storeOptionsOf, type Materialized } from './builder.js';
import { GroupedImpl } from './grouped.js';
import type { Kit } from './kit.js';
import { StreamImpl } from './stream.js';
import { TableImpl } from './table.js';
import type { GlobalTableHandle } from './kit.js';
import type { GlobalTable, Stream, Table } from './types.js';


export interface SourceOptions<K, V> {
  key: Serde<K>;
  value: Serde<V>;
  /** Event time from the record; defaults to the record's own timestamp. */
  timestamp?: (value: V, key: K, recordTimestamp: number) => number;
}

export type { AppOptions };

export class App implements RunnableApp {
  readonly options: Readonly<AppOptions>;
  private readonly builder: Builder;
  private readonly kit: Kit;

  constructor(options: AppOptions) {
    if (!/^[A-Za-z0-9._-]+$/.test(options.appId)) throw new RangeError(`appId '${options.appId}' must be a legal Kafka topic name prefix`);
    this.options = { ...options };
    const b = (this.builder = new Builder(options.appId));
    const kit: Kit = {
      b,
      stream: (node, key, value, keyChanged) => new StreamImpl(kit, node, key, value, keyChanged),
      table: (node, key, value, info) => new TableImpl(kit, node, key, value, info),
      grouped: (node, key, value) => new GroupedImpl(kit, node, key, value),
    };
    this.kit = kit;
  }

  get appId(): string {
    return this.options.appId;
  }

  stream<K, V>(topic: string, options: SourceOptions<K, V>): Stream<K, V> {
    const name = this.builder.nodeName('SOURCE');
    const extract = options.timestamp;
    this.builder.topology.addNode(
      {
        kind: 'source',
        name,
        topic,
        keySerde: options.key as Serde<unknown>,
        valueSerde: options.value as Serde<unknown>,
        timestamp: extract ? (k, v, ts) => extract(v as V, k as K, ts) : undefined,
        keepNullValues: false,
        children: [],
      },
      [],
    );
    return this.kit.stream(name, options.key, options.value, false);
  }

  /** A table from a topic's latest value per key (a null value deletes), materialized in a store. */
  table<K, V>(topic: string, options: SourceOptions<K, V> & Materialized): Table<K, V> {
    const b = this.builder;
    const source = b.nodeName('SOURCE');
    b.topology.addNode(
      { kind: 'source', name: source, topic, keySerde: options.key as Serde<unknown>, valueSerde: options.value as Serde<unknown>, timestamp: undefined, keepNullValues: true, children: [] },
      [],
    );
    const { key: _k, value: _v, timestamp: _t, ...materialized } = options;
    const kind = options.versioned ? 'versioned' : 'key-value';
    const store = b.addStore(options.store ?? `${topic}-table`, kind, options.key, options.value, storeOptionsOf(materialized));
    const node = b.addProcessor('KTABLE-SOURCE', [source], () => new TableSourceProcessor(store) as Processor<unknown, unknown>, [store]);
    return this.kit.table(node, options.key, options.value, { getter: storeGetter<K, V>(store) });
  }

  /**
   * A global table (Kafka Streams' GlobalKTable): every instance holds all partitions of `topic`,
   * loaded completely before processing starts and kept up to date as the topic grows. Join a
   * stream against it with a key selector; the topic need not be co-partitioned with anything.
   */
  globalTable<K, V>(topic: string, options: { key: Serde<K>; value: Serde<V>; store?: string }): GlobalTable<K, V> {
    const store = options.store ?? `${topic}-global-store`;
    this.builder.topology.addGlobalTable(
      { name: store, kind: 'key-value', changelogTopic: topic, keySerde: options.key as Serde<unknown>, valueSerde: options.value as Serde<unknown>, options: {} },
      topic,
    );
    const handle: GlobalTableHandle<K, V> & GlobalTable<K, V> = { handle: 'global', store, getter: storeGetter<K, V>(store) };
    return handle;
  }

  /** The topology built so far; running it freezes it. */
  topology(): Topology {
    return this.builder.topology;
  }

  describe(): string {
    return this.builder.topology.describe();
  }

  /**
   * Run this app against Kafka-compatible brokers (`brokers`, else BROOK_BROKERS, else
   * localhost:9092): creates internal topics, joins the group `appId`, restores state and
   * processes until `close()`. Start several instances to share the work.
   */
  async start(): Promise<RunningApp> {
    // Loaded on demand, so TestDriver-only users never load the Kafka client.
    const { startApp } = await import('../runtime/kafka-runtime.js');
    return startApp(this);
  }
}
