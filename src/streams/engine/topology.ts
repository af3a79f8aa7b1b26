// A topology as data: source, processor and sink nodes, the stores they use, and the internal
// topics (changelogs and repartition topics) the runtime must create. The DSL builds it; a task
// instantiates one subtopology of it per input partition.
//
// Subtopologies are the connected parts of the graph, where nodes sharing a store count as
// connected (a stream-table join reads the table's store). A repartition topic splits the graph:
// its sink ends one subtopology and its source starts another, so the records cross a topic and
// reach the task that owns their new key's partition. Tasks are `<subtopology>_<partition>`.
//
// Global tables (GlobalKTable) are apart from the graph: each instance materializes every
// partition of their topic in a global store (engine/global-stores.ts) that any processor may read
// by declaring it; sharing a global store does not connect sub-topologies.

import { StreamsError } from '../errors.js';
import type { Serde } from '../serdes.js';
import type { StoreSpec } from '../stores/store.js';
import type { Processor } from './processor.js';

export type TimestampExtractor = (key: unknown, value: unknown, recordTimestamp: number) => number;

export interface SourceNode {
  readonly kind: 'source';
  readonly name: string;
  readonly topic: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestamp: TimestampExtractor | undefined;
  /** Table sources keep null values (deletes); stream sources skip them. */
  readonly keepNullValues: boolean;
  readonly children: string[];
}

export interface ProcessorNode {
  readonly kind: 'processor';
  readonly name: string;
  readonly create: () => Processor<unknown, unknown>;
  readonly stores: readonly string[];
  readonly children: string[];
}

export interface SinkNode {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** Picks the partition of a record (undefined: the default partitioner on the key bytes). */
  readonly partitioner?: (key: unknown, value: unknown) => number | undefined;
  readonly children: string[];
}

/** A global table: its store is materialized from every partition of `topic` on every instance. */
export interface GlobalTableSpec {
  readonly store: string;
  readonly topic: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

export interface InternalTopic {
  readonly name: string;
  readonly kind: 'changelog' | 'repartition';
  /** A fixed partition count (repartition({ partitions })); else planned (runtime/topic-plan.ts). */
  readonly partitions?: number | undefined;
  /** Topic configs to create it with (changelogs are compacted; repartition topics are deleted by time). */
  readonly configs: Readonly<Record<string, string>>;
}

export interface Subtopology {
  readonly id: number;
  readonly sourceTopics: readonly string[];
  /** Node names, sources first, then in the order they were added (parents before children). */
  readonly nodes: readonly string[];
  readonly stores: readonly string[];
}

export class Topology {
  readonly nodes = new Map<string, TopologyNode>();
  readonly stores = new Map<string, StoreSpec>();
  readonly internalTopics = new Map<string, InternalTopic>();
  /** Global store name -> its table. */
  readonly globalTables = new Map<string, GlobalTableSpec>();
  private built: Subtopology[] | undefined;

  constructor(readonly appId: string) {}

  addNode(node: TopologyNode, parents: readonly string[]): void {
    if (this.built) throw new StreamsError('TOPOLOGY_INVALID', 'the topology is already running; build it completely first');
    if (this.nodes.has(node.name)) throw new StreamsError('TOPOLOGY_INVALID', `duplicate node name '${node.name}'`);
    for (const p of parents) {
      const parent = this.nodes.get(p);
      if (!parent) throw new StreamsError('TOPOLOGY_INVALID', `node '${node.name}': unknown parent '${p}'`);
      if (parent.kind === 'sink') throw new StreamsError('TOPOLOGY_INVALID', `node '${node.name}': a sink has no children`);
      parent.children.push(node.name);
    }
    if (node.kind === 'processor') {
      for (const s of node.stores) {
        if (!this.stores.has(s)) throw new StreamsError('TOPOLOGY_INVALID', `node '${node.name}': unknown store '${s}'`);
      }
    }
    this.nodes.set(node.name, node);
  }

  addStore(spec: StoreSpec): void {
    if (this.stores.has(spec.name)) throw new StreamsError('TOPOLOGY_INVALID', `duplicate store name '${spec.name}'`);
    this.stores.set(spec.name, spec);
    this.internalTopics.set(spec.changelogTopic, { name: spec.changelogTopic, kind: 'changelog', configs: changelogConfigs(spec) });
  }

  /** A global table over `topic`; its store reads the topic itself, so it has no changelog. */
  addGlobalTable(spec: StoreSpec, topic: string): void {
    if (this.built) throw new StreamsError('TOPOLOGY_INVALID', 'the topology is already running; build it completely first');
    if (this.stores.has(spec.name)) throw new StreamsError('TOPOLOGY_INVALID', `duplicate store name '${spec.name}'`);
    this.stores.set(spec.name, spec);
    this.globalTables.set(spec.name, { store: spec.name, topic, keySerde: spec.keySerde, valueSerde: spec.valueSerde });
  }

  isGlobalStore(name: string): boolean {
    return this.globalTables.has(name);
  }

  addRepartitionTopic(name: string, partitions?: number): void {
    if (partitions !== undefined && !(Number.isInteger(partitions) && partitions > 0)) {
      throw new StreamsError('TOPOLOGY_INVALID', `repartition topic '${name}': partitions must be a whole number > 0`);
    }
    this.internalTopics.set(name, { name, kind: 'repartition', partitions, configs: { 'cleanup.policy': 'delete' } });
  }

  /** Every topic some source reads (user inputs and repartition topics). */
  sourceTopics(): string[] {
    return [...new Set(this.subtopologies().flatMap((s) => s.sourceTopics))];
  }

  subtopologies(): readonly Subtopology[] {
    this.built ??= this.computeSubtopologies();
    return this.built;
  }

  subtopologyFor(topic: string): Subtopology | undefined {
    return this.subtopologies().find((s) => s.sourceTopics.includes(topic));
  }

  describe(): string {
    const lines: string[] = [`Topology ${this.appId}`];
    for (const sub of this.subtopologies()) {
      lines.push(`  Sub-topology ${sub.id} (sources: ${sub.sourceTopics.join(', ')})`);
      for (const n of sub.nodes) {
        const node = this.nodes.get(n)!;
        const extra = node.kind === 'processor' && node.stores.length ? ` stores=[${node.stores.join(', ')}]` : '';
        const topic = node.kind !== 'processor' ? ` topic=${node.topic}` : '';
        lines.push(`    ${node.kind} ${n}${topic}${extra} -> [${node.children.join(', ')}]`);
      }
    }
    for (const g of this.globalTables.values()) lines.push(`  Global store ${g.store} (source: ${g.topic})`);
    return lines.join('\n');
  }

  private computeSubtopologies(): Subtopology[] {
    const names = [...this.nodes.keys()];
    const parent = new Map<string, string>(names.map((n) => [n, n]));
    const find = (n: string): string => {
      let r = n;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(n, r);
      return r;
    };
    const union = (a: string, b: string): void => {
      parent.set(find(a), find(b));
    };
    const storeOwner = new Map<string, string>();
    for (const node of this.nodes.values()) {
      for (const c of node.children) union(node.name, c);
      if (node.kind === 'processor') {
        for (const s of node.stores) {
          if (this.isGlobalStore(s)) continue;
          const owner = storeOwner.get(s);
          if (owner) union(owner, node.name);
          else storeOwner.set(s, node.name);
        }
      }
    }
    const groups = new Map<string, string[]>();
    for (const n of names) {
      const root = find(n);
      let g = groups.get(root);
      if (!g) groups.set(root, (g = []));
      g.push(n);
    }
    const subs: Subtopology[] = [];
    for (const members of groups.values()) {
      const sources = members.filter((n) => this.nodes.get(n)!.kind === 'source');
      if (sources.length === 0) continue;
      const topics = sources.map((n) => (this.nodes.get(n) as SourceNode).topic);
      const stores = new Set<string>();
      for (const n of members) {
        const node = this.nodes.get(n)!;
        if (node.kind === 'processor') for (const s of node.stores) if (!this.isGlobalStore(s)) stores.add(s);
      }
      const ordered = [...sources, ...members.filter((n) => this.nodes.get(n)!.kind !== 'source')];
      subs.push({ id: subs.length, sourceTopics: [...new Set(topics)], nodes: ordered, stores: [...stores] });
    }
    const seen = new Map<string, number>();
    const globalTopics = new Set([...this.globalTables.values()].map((g) => g.topic));
    for (const s of subs) {
      for (const t of s.sourceTopics) {
        if (globalTopics.has(t)) throw new StreamsError('TOPOLOGY_INVALID', `topic '${t}' is read by a global table and by a stream or table; read it once`);
        if (seen.has(t)) throw new StreamsError('TOPOLOGY_INVALID', `topic '${t}' is read by two sub-topologies; read it once and branch`);
        seen.set(t, s.id);
      }
    }
    return subs;
  }
}

/**
 * Changelog topic configs by store kind: key-value changelogs are compacted; windowed ones are
 * compacted and time-retained; versioned ones are compacted no sooner than a day past the history
 * retention, so every version a restore needs is still there (Kafka Streams does the same).
 */
function changelogConfigs(spec: StoreSpec): Record<string, string> {
  switch (spec.kind) {
    case 'key-value':
      return { 'cleanup.policy': 'compact' };
    case 'versioned':
      return { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String((spec.options.historyRetentionMs ?? 0) + 86_400_000) };
    default:
      return { 'cleanup.policy': 'compact,delete' };
  }
}
