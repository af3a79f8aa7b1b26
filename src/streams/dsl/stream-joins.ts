// Building the joins a stream starts: stream-stream (windowed), stream-table and
// stream-globalTable. Each side must live in the same task as what it joins (co-partitioned by
// key): a side whose key changed upstream is first repartitioned, as Kafka Streams does.

import { StreamsError } from '../errors.js';
import type { Processor } from '../engine/processor.js';
import { listOf, type Serde } from '../serdes.js';
import { StreamStreamJoinProcessor, unjoinedSerde, type JoinKind } from '../ops/stream-stream-join.js';
import { PassThroughProcessor } from '../ops/stateless.js';
import { StreamGlobalJoinProcessor, StreamTableJoinProcessor } from '../ops/table-ops.js';
import type { JoinWindows } from '../windows.js';
import { requireSerde, type Builder } from './builder.js';
import type { GlobalTableHandle, Kit, StreamHandle, TableHandle } from './kit.js';
import type { Joined, Stream, StreamJoined } from './types.js';

type AnyProcessor = Processor<unknown, unknown>;
type Joiner = (left: unknown, right: unknown, key: unknown) => unknown;

/** The node to join from: the stream's own, or a repartition of it when its key changed. */
function coPartitioned(b: Builder, s: StreamHandle<unknown, unknown>, key: Serde<unknown> | undefined, value: Serde<unknown> | undefined, name: string): string {
  if (!s.keyChanged) return s.node;
  const k = requireSerde(key ?? s.keySerde, `join: the key changed upstream, so the stream is repartitioned (key)`);
  const v = requireSerde(value ?? s.valueSerde, `join: the key changed upstream, so the stream is repartitioned (value)`);
  return b.repartition(s.node, k, v, name);
}

export function streamStreamJoin(
  kit: Kit,
  left: StreamHandle<unknown, unknown>,
  right: StreamHandle<unknown, unknown>,
  joiner: Joiner,
  windows: JoinWindows,
  kind: JoinKind,
  options: StreamJoined<unknown, unknown, unknown> = {},
): Stream<unknown, unknown> {
  if (windows?.kind !== 'join') throw new StreamsError('TOPOLOGY_INVALID', 'a stream-stream join needs JoinWindows: joinWindows(...)');
  const b = kit.b;
  const name = options.name ?? b.autoName('KSTREAM-JOIN');
  const key = requireSerde(options.key ?? left.keySerde ?? right.keySerde, 'stream-stream join (key, for its buffers)');
  const leftValue = requireSerde(options.value ?? left.valueSerde, 'stream-stream join (left value, for its buffer)');
  const rightValue = requireSerde(options.otherValue ?? right.valueSerde, 'stream-stream join (right value, for its buffer)');
  const leftNode = coPartitioned(b, left, key, leftValue, `${name}-left`);
  const rightNode = coPartitioned(b, right, key, rightValue, `${name}-right`);
  const { name: _n, key: _k, value: _v, otherValue: _o, ...storeOptions } = options;
  const thisStore = b.addStore(`${name}-this-join-store`, 'window', key, listOf(leftValue), storeOptions);
  const otherStore = b.addStore(`${name}-other-join-store`, 'window', key, listOf(rightValue), storeOptions);
  const unjoinedStore = kind === 'inner' ? undefined : b.addStore(`${name}-outer-shared-join-store`, 'window', key, unjoinedSerde(leftValue, rightValue), storeOptions);
  const stores = unjoinedStore ? [thisStore, otherStore, unjoinedStore] : [thisStore, otherStore];
  const common = { windows, joiner, unjoinedStore };
  const l = b.addProcessor('JOINTHIS', [leftNode], () => new StreamStreamJoinProcessor({ ...common, isLeft: true, thisStore, otherStore, emitsUnjoined: kind !== 'inner' }) as AnyProcessor, stores);
  const r = b.addProcessor('JOINOTHER', [rightNode], () => new StreamStreamJoinProcessor({ ...common, isLeft: false, thisStore: otherStore, otherStore: thisStore, emitsUnjoined: kind === 'outer' }) as AnyProcessor, stores);
  const merged = b.addProcessor('MERGE', [l, r], () => new PassThroughProcessor() as AnyProcessor);
  return kit.stream(merged, key, undefined, false);
}

export function streamTableJoin(
  kit: Kit,
  stream: StreamHandle<unknown, unknown>,
  table: TableHandle<unknown, unknown>,
  joiner: Joiner,
  inner: boolean,
  options: Joined<unknown, unknown> = {},
): Stream<unknown, unknown> {
  const getter = table.info.getter;
  if (!getter) throw new StreamsError('TOPOLOGY_INVALID', 'this table cannot be joined: it is not backed by a key-value store (materialize it first)');
  const b = kit.b;
  const from = coPartitioned(b, stream, options.key ?? table.keySerde, options.value, options.name ?? b.autoName('KSTREAM-JOIN'));
  const node = b.addProcessor('JOIN', [from], () => new StreamTableJoinProcessor(getter, joiner, inner) as AnyProcessor, getter.stores);
  return kit.stream(node, stream.keySerde ?? table.keySerde, undefined, false);
}

export function streamGlobalJoin(
  kit: Kit,
  stream: StreamHandle<unknown, unknown>,
  table: GlobalTableHandle<unknown, unknown>,
  keySelector: (key: unknown, value: unknown) => unknown,
  joiner: Joiner,
  inner: boolean,
): Stream<unknown, unknown> {
  const node = kit.b.addProcessor('GLOBAL-JOIN', [stream.node], () => new StreamGlobalJoinProcessor(table.getter, keySelector, joiner, inner) as AnyProcessor, table.getter.stores);
  return kit.stream(node, stream.keySerde, undefined, stream.keyChanged);
}
