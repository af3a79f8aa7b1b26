// stream.split(): Kafka Streams' BranchedKStream (KIP-418). Branches are collected first and built
// when the split ends (defaultBranch / noDefaultBranch), so every branch processor knows all the
// predicates: a record goes to the first branch whose predicate matches, or to the default branch.

import type { Processor } from '../engine/processor.js';
import { BranchProcessor } from '../ops/stateless.js';
import type { Kit, StreamHandle } from './kit.js';
import type { BranchedStream, Stream } from './types.js';

type Chain<K, V> = ((s: Stream<K, V>) => Stream<K, V> | void) | undefined;

interface Branch<K, V> {
  readonly name: string;
  readonly predicate: (key: K, value: V) => boolean;
  readonly chain: Chain<K, V>;
}

export class BranchedStreamImpl<K, V> implements BranchedStream<K, V> {
  private readonly branches: Array<Branch<K, V>> = [];
  private done = false;

  constructor(
    private readonly kit: Kit,
    private readonly source: StreamHandle<K, V>,
    private readonly prefix: string,
  ) {}

  branch(predicate: (key: K, value: V) => boolean, options: { name?: string; chain?: Chain<K, V> } = {}): BranchedStream<K, V> {
    this.checkOpen();
    this.branches.push({ name: this.prefix + (options.name ?? String(this.branches.length + 1)), predicate, chain: options.chain });
    return this;
  }

  defaultBranch(options: { name?: string; chain?: Chain<K, V> } = {}): Record<string, Stream<K, V>> {
    return this.finish({ name: this.prefix + (options.name ?? '0'), chain: options.chain });
  }

  noDefaultBranch(): Record<string, Stream<K, V>> {
    return this.finish(undefined);
  }

  private finish(fallback: { name: string; chain: Chain<K, V> } | undefined): Record<string, Stream<K, V>> {
    this.checkOpen();
    this.done = true;
    const predicates = this.branches.map((b) => b.predicate);
    const out: Record<string, Stream<K, V>> = {};
    const add = (name: string, index: number, chain: Chain<K, V>) => {
      if (name in out) throw new RangeError(`split: two branches are named '${name}'`);
      const node = this.kit.b.addProcessor('BRANCH', [this.source.node], () => new BranchProcessor(predicates, index) as Processor<unknown, unknown>);
      const stream = this.kit.stream<K, V>(node, this.source.keySerde, this.source.valueSerde, this.source.keyChanged);
      const chained = chain ? chain(stream) : stream;
      if (chained) out[name] = chained;
    };
    this.branches.forEach((b, i) => add(b.name, i, b.chain));
    if (fallback) add(fallback.name, predicates.length, fallback.chain);
    return out;
  }

  private checkOpen(): void {
    if (this.done) throw new RangeError('split: this split already ended (defaultBranch or noDefaultBranch)');
  }
}
