// Building table-table joins: on the key (co-partitioned, ops/table-table-join.ts) and on a
// foreign key (through subscription and response topics, ops/foreign-key-join.ts).

import { StreamsError } from '../errors.js';
import type { Processor } from '../engine/processor.js';
import { bytes, type Serde } from '../serdes.js';
import {
  combinedPrefixLength,
  ForeignTableJoinProcessor,
  ResponseJoinProcessor,
  responseSerde,
  SubscriptionReceiveProcessor,
  SubscriptionSendProcessor,
  subscriptionSerde,
  type ForeignKeyJoinSerdes,
  type SubscriptionResponse,
} from '../ops/foreign-key-join.js';
import { PassThroughProcessor } from '../ops/stateless.js';
import { MaterializeProcessor, storeGetter, type ValueGetterSupplier } from '../ops/table-ops.js';
import { joinGetter, TableTableJoinProcessor, type TableJoinKind } from '../ops/table-table-join.js';
import { requireSerde, storeOptionsOf, type Materialized } from './builder.js';
import type { Kit, TableHandle } from './kit.js';
import type { ForeignKeyJoined, Table } from './types.js';

type AnyProcessor = Processor<unknown, unknown>;
type Joiner = (left: unknown, right: unknown, key: unknown) => unknown;

function getterOrFail<K, V>(t: TableHandle<K, V>, what: string): ValueGetterSupplier<K, V> {
  const g = t.info.getter;
  if (!g) throw new StreamsError('TOPOLOGY_INVALID', `${what}: this table cannot be looked up (it is windowed, or derived from one that is not materialized); materialize it first`);
  return g;
}

/** Optionally materialize a table's changes in a store; returns the node and getter downstream sees. */
export function materialize(
  kit: Kit,
  node: string,
  key: Serde<unknown> | undefined,
  value: Serde<unknown> | undefined,
  options: Materialized | undefined,
  fallback: ValueGetterSupplier<unknown, unknown> | undefined,
): { node: string; getter: ValueGetterSupplier<unknown, unknown> | undefined } {
  if (!options?.store) return { node, getter: fallback };
  const b = kit.b;
  const k = requireSerde(key, `materializing '${options.store}' (key)`);
  const v = requireSerde(value, `materializing '${options.store}' (value): pass { value } in the options`);
  const store = b.addStore(options.store, 'key-value', k, v, storeOptionsOf(options));
  const m = b.addProcessor('KTABLE-MATERIALIZE', [node], () => new MaterializeProcessor(store) as AnyProcessor, [store]);
  return { node: m, getter: storeGetter(store) };
}

export function tableTableJoin(
  kit: Kit,
  left: TableHandle<unknown, unknown>,
  right: TableHandle<unknown, unknown>,
  joiner: Joiner,
  kind: TableJoinKind,
  options: Materialized & { value?: Serde<unknown> } = {},
): Table<unknown, unknown> {
  const lg = getterOrFail(left, 'table join (left)');
  const rg = getterOrFail(right, 'table join (right)');
  const b = kit.b;
  const stores = [...lg.stores, ...rg.stores];
  const l = b.addProcessor('KTABLE-JOINTHIS', [left.node], () => new TableTableJoinProcessor(kind, true, rg, joiner) as AnyProcessor, stores);
  const r = b.addProcessor('KTABLE-JOINOTHER', [right.node], () => new TableTableJoinProcessor(kind, false, lg, joiner) as AnyProcessor, stores);
  const merged = b.addProcessor('KTABLE-MERGE', [l, r], () => new PassThroughProcessor() as AnyProcessor);
  const key = left.keySerde ?? right.keySerde;
  const out = materialize(kit, merged, key, options.value, options, joinGetter(kind, lg, rg, joiner));
  return kit.table(out.node, key, options.value, { getter: out.getter });
}

export function foreignKeyJoin(
  kit: Kit,
  left: TableHandle<unknown, unknown>,
  right: TableHandle<unknown, unknown>,
  foreignKey: (value: unknown) => unknown,
  joiner: (l: unknown, r: unknown) => unknown,
  leftJoin: boolean,
  options: ForeignKeyJoined<unknown> = {},
): Table<unknown, unknown> {
  const lg = getterOrFail(left, 'foreign-key join (left)');
  const rg = getterOrFail(right, 'foreign-key join (right)');
  const b = kit.b;
  const name = options.name ?? b.autoName('KTABLE-FK-JOIN');
  const serdes: ForeignKeyJoinSerdes = {
    primaryKey: requireSerde(left.keySerde, 'foreign-key join (left key)'),
    leftValue: requireSerde(left.valueSerde, 'foreign-key join (left value, hashed to detect stale answers)'),
    foreignKey: requireSerde(right.keySerde, 'foreign-key join (right key)'),
    foreignValue: requireSerde(right.valueSerde, 'foreign-key join (right value)'),
  };
  // Left task: subscriptions out, keyed by the foreign key (co-partitioned with the right table).
  const send = b.addProcessor('KTABLE-FK-JOIN-SUBSCRIPTION-SEND', [left.node], () => new SubscriptionSendProcessor(foreignKey, leftJoin, serdes) as AnyProcessor);
  const subscriptions = b.throughTopic(send, `${b.appId}-${name}-subscription-registration-topic`, serdes.foreignKey, subscriptionSerde as Serde<unknown>, 'subscription');
  // Right task: the subscription store, fed by subscriptions, scanned on right-table changes.
  const store = b.addStore(`${name}-subscription-store`, 'key-value', bytes, subscriptionSerde, { prefixLength: combinedPrefixLength });
  const receive = b.addProcessor('KTABLE-FK-JOIN-SUBSCRIPTION-RECEIVE', [subscriptions], () => new SubscriptionReceiveProcessor(store, rg, serdes) as AnyProcessor, [store, ...rg.stores]);
  const foreign = b.addProcessor('KTABLE-FK-JOIN-FOREIGN', [right.node], () => new ForeignTableJoinProcessor(store, serdes) as AnyProcessor, [store]);
  // Responses go back to the left key's own partition (the subscription named it, KIP-775), keyed by the left key's bytes.
  const topic = `${b.appId}-${name}-subscription-response-topic`;
  b.topology.addRepartitionTopic(topic);
  b.topology.addNode(
    {
      kind: 'sink',
      name: b.nodeName('KTABLE-FK-JOIN-RESPONSE-SINK'),
      topic,
      keySerde: bytes as Serde<unknown>,
      valueSerde: responseSerde as Serde<unknown>,
      partitioner: (_k, v) => (v as SubscriptionResponse).primaryPartition,
      children: [],
    },
    [receive, foreign],
  );
  const responses = b.nodeName('KTABLE-FK-JOIN-RESPONSE-SOURCE');
  b.topology.addNode(
    { kind: 'source', name: responses, topic, keySerde: serdes.primaryKey, valueSerde: responseSerde as Serde<unknown>, timestamp: undefined, keepNullValues: false, children: [] },
    [],
  );
  const join = b.addProcessor('KTABLE-FK-JOIN-RESPONSE', [responses], () => new ResponseJoinProcessor(lg, joiner, leftJoin, serdes) as AnyProcessor, lg.stores);
  const out = materialize(kit, join, serdes.primaryKey, options.value, options, undefined);
  return kit.table(out.node, left.keySerde, options.value, { getter: out.getter });
}
