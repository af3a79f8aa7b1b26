// Interactive queries (Kafka Streams' IQ, KIP-67/KIP-535): read any instance's state stores from
// any instance. Every assignment tells each instance which `application.server` endpoint runs
// which tasks as active and as standby (runtime/assignment-info.ts), so a key's owner is found
// without asking anyone: the store's task is `<sub-topology>_<partition of the key>`, where the
// partition is what Kafka's default partitioner gives the serialized key (as for the inputs).
// A query is answered locally when this instance holds the task, else over HTTP by the owner
// (runtime/query-server.ts). With `allowStandby`, a standby answers when the active cannot, and
// reports how many changelog records it is behind (its lag), as KIP-535's stale stores do.
//
// Candidates, tried in order: this instance's active, the remote active, then (if allowed) this
// instance's standby and the remote standbys. Range and window-range scans ask every partition
// and merge the answers (by key bytes / window start).

import { StreamsError } from '../errors.js';
import { defaultPartition } from '../engine/partitioner.js';
import type { GlobalStores } from '../engine/global-stores.js';
import type { Topology } from '../engine/topology.js';
import type { KeyValueStore, SessionStore, StateStore, WindowStore } from '../stores/store.js';
import type { VersionedKeyValueStore } from '../stores/versioned-store.js';
import type { HostTasks } from './assignment-info.js';
import type { TaskManager } from './task-manager.js';

/** Where an answer came from and how fresh it is. */
export interface QueryMeta {
  /** The endpoint that answered (`application.server`), or 'local'. */
  readonly host: string;
  readonly standby: boolean;
  /** Changelog records the answering copy is behind (0 for an active). */
  readonly lag: number;
}

export interface KeyQueryResult<V> extends QueryMeta {
  readonly value: V | undefined;
}

export interface QueryOptions {
  /** Let a standby answer when the active cannot (its answer may be `lag` records stale). */
  readonly allowStandby?: boolean;
}

/** The serialized answer of one partition, as it travels between instances. */
export type WireAnswer =
  | { kind: 'value'; value: string | null; standby: boolean; lag: number }
  | { kind: 'entries'; entries: Array<[string, string]>; standby: boolean; lag: number }
  | { kind: 'windows'; windows: Array<[string, number, string]>; standby: boolean; lag: number };

export type QueryKind = 'key' | 'range' | 'windows' | 'window-range';

export interface WireQuery {
  readonly kind: QueryKind;
  readonly store: string;
  readonly partition: number;
  /** base64 key bytes (key, windows) */
  readonly key?: string | undefined;
  /** base64 key bytes of the range bounds (range) */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** window start bounds (windows, window-range) */
  readonly fromTime?: number | undefined;
  readonly toTime?: number | undefined;
  readonly allowStandby: boolean;
}

export class QueryError extends StreamsError {}

export class InteractiveQueries {
  private hosts = new Map<string, HostTasks>();

  constructor(
    private readonly topology: Topology,
    private readonly tasks: TaskManager,
    private readonly globals: GlobalStores | undefined,
    private readonly partitionsOf: (subtopology: number) => number,
    /** This instance's endpoint, if it has one. */
    readonly endpoint: string | undefined,
    private readonly remote: (endpoint: string, q: WireQuery) => Promise<WireAnswer>,
  ) {}

  setHosts(hosts: ReadonlyMap<string, HostTasks>): void {
    this.hosts = new Map(hosts);
  }

  /** Every instance's endpoint and tasks, as of the last rebalance. */
  allHosts(): ReadonlyMap<string, HostTasks> {
    return this.hosts;
  }

  /** Where `key` of `store` lives: the active's endpoint and the standbys'. */
  hostsForKey(store: string, key: unknown): { active: string | undefined; standbys: string[]; partition: number } {
    const { task, partition } = this.taskOf(store, key);
    let active: string | undefined;
    const standbys: string[] = [];
    for (const [endpoint, t] of this.hosts) {
      if (t.active.includes(task)) active = endpoint;
      if (t.standby.includes(task)) standbys.push(endpoint);
    }
    return { active, standbys, partition };
  }

  async get<V>(store: string, key: unknown, options: QueryOptions = {}): Promise<KeyQueryResult<V>> {
    const spec = this.spec(store);
    if (this.globals?.stores.has(store)) {
      const s = this.globals.stores.get(store) as KeyValueStore<unknown, V>;
      return { value: s.get(key), host: 'local', standby: false, lag: 0 };
    }
    const { partition } = this.taskOf(store, key);
    const q: WireQuery = { kind: 'key', store, partition, key: spec.keySerde.serialize(key).toString('base64'), allowStandby: options.allowStandby ?? false };
    const { answer, host } = await this.ask(q);
    if (answer.kind !== 'value') throw new QueryError('QUERY_FAILED', `store '${store}': unexpected answer from ${host}`);
    const value = answer.value === null ? undefined : (this.valueSerde(store).deserialize(Buffer.from(answer.value, 'base64')) as V);
    return { value, host, standby: answer.standby, lag: answer.lag };
  }

  /** Key-value entries with from <= key <= to (serialized-key order), across every partition. */
  async range<K, V>(store: string, from: K | undefined, to: K | undefined, options: QueryOptions = {}): Promise<{ entries: Array<[K, V]>; answeredBy: QueryMeta[] }> {
    const spec = this.spec(store);
    const enc = (k: K | undefined) => (k === undefined ? undefined : spec.keySerde.serialize(k).toString('base64'));
    const all: Array<[Buffer, K, V]> = [];
    const answeredBy: QueryMeta[] = [];
    for (const partition of this.partitionsFor(store)) {
      const { answer, host } = await this.ask({ kind: 'range', store, partition, from: enc(from), to: enc(to), allowStandby: options.allowStandby ?? false });
      if (answer.kind !== 'entries') throw new QueryError('QUERY_FAILED', `store '${store}': unexpected answer from ${host}`);
      answeredBy.push({ host, standby: answer.standby, lag: answer.lag });
      for (const [k, v] of answer.entries) {
        const kb = Buffer.from(k, 'base64');
        all.push([kb, spec.keySerde.deserialize(kb) as K, this.valueSerde(store).deserialize(Buffer.from(v, 'base64')) as V]);
      }
    }
    all.sort((a, b) => Buffer.compare(a[0], b[0]));
    return { entries: all.map(([, k, v]) => [k, v]), answeredBy };
  }

  /** One key's windows with fromTime <= window start <= toTime (window store), in start order. */
  async windows<V>(store: string, key: unknown, fromTime: number, toTime: number, options: QueryOptions = {}): Promise<KeyQueryResult<Array<[number, V]>>> {
    const spec = this.spec(store);
    const { partition } = this.taskOf(store, key);
    const { answer, host } = await this.ask({ kind: 'windows', store, partition, key: spec.keySerde.serialize(key).toString('base64'), fromTime, toTime, allowStandby: options.allowStandby ?? false });
    if (answer.kind !== 'windows') throw new QueryError('QUERY_FAILED', `store '${store}': unexpected answer from ${host}`);
    const value = answer.windows.map(([, start, v]) => [start, this.valueSerde(store).deserialize(Buffer.from(v, 'base64')) as V] as [number, V]);
    return { value, host, standby: answer.standby, lag: answer.lag };
  }

  /** Every key's windows with fromTime <= start <= toTime, across every partition, in start order. */
  async windowRange<K, V>(store: string, fromTime: number, toTime: number, options: QueryOptions = {}): Promise<{ entries: Array<{ key: K; start: number; value: V }>; answeredBy: QueryMeta[] }> {
    const spec = this.spec(store);
    const out: Array<{ key: K; start: number; value: V }> = [];
    const answeredBy: QueryMeta[] = [];
    for (const partition of this.partitionsFor(store)) {
      const { answer, host } = await this.ask({ kind: 'window-range', store, partition, fromTime, toTime, allowStandby: options.allowStandby ?? false });
      if (answer.kind !== 'windows') throw new QueryError('QUERY_FAILED', `store '${store}': unexpected answer from ${host}`);
      answeredBy.push({ host, standby: answer.standby, lag: answer.lag });
      for (const [k, start, v] of answer.windows) {
        out.push({ key: spec.keySerde.deserialize(Buffer.from(k, 'base64')) as K, start, value: this.valueSerde(store).deserialize(Buffer.from(v, 'base64')) as V });
      }
    }
    out.sort((a, b) => a.start - b.start);
    return { entries: out, answeredBy };
  }

  /**
   * Answer one partition's query from this instance's own copy (what the HTTP server calls for
   * other instances). Undefined when this instance cannot answer it (not its task, or a standby
   * while standbys are not allowed).
   */
  answerLocally(q: WireQuery): WireAnswer | undefined {
    const located = this.localStore(q.store, q.partition, q.allowStandby);
    if (!located) return undefined;
    const { store, standby, lag } = located;
    const b64 = (b: Buffer) => b.toString('base64');
    const spec = this.spec(q.store);
    const valueBytes = (v: unknown) => b64(this.valueSerde(q.store).serialize(v));
    switch (q.kind) {
      case 'key': {
        const key = spec.keySerde.deserialize(Buffer.from(q.key ?? '', 'base64'));
        const v = store.kind === 'versioned' ? (store as VersionedKeyValueStore<unknown, unknown>).get(key)?.value : store.kind === 'key-value' ? (store as KeyValueStore<unknown, unknown>).get(key) : undefined;
        if (store.kind !== 'key-value' && store.kind !== 'versioned') throw new QueryError('QUERY_FAILED', `store '${q.store}' is a ${store.kind} store: query it with windows()`);
        return { kind: 'value', value: v === undefined ? null : valueBytes(v), standby, lag };
      }
      case 'range': {
        if (store.kind !== 'key-value') throw new QueryError('QUERY_FAILED', `store '${q.store}' is a ${store.kind} store: range() reads key-value stores`);
        const dec = (k: string | undefined) => (k === undefined ? undefined : spec.keySerde.deserialize(Buffer.from(k, 'base64')));
        const entries = (store as KeyValueStore<unknown, unknown>).range(dec(q.from), dec(q.to));
        return { kind: 'entries', entries: entries.map(([k, v]) => [b64(spec.keySerde.serialize(k)), valueBytes(v)]), standby, lag };
      }
      case 'windows':
      case 'window-range': {
        const from = q.fromTime ?? 0;
        const to = q.toTime ?? Number.MAX_SAFE_INTEGER;
        if (store.kind === 'window') {
          const w = store as WindowStore<unknown, unknown>;
          if (q.kind === 'windows') {
            const key = spec.keySerde.deserialize(Buffer.from(q.key ?? '', 'base64'));
            return { kind: 'windows', windows: w.fetch(key, from, to).map(([s, v]) => [q.key!, s, valueBytes(v)]), standby, lag };
          }
          return { kind: 'windows', windows: w.fetchAll(from, to).map((e) => [b64(spec.keySerde.serialize(e.key)), e.start, valueBytes(e.value)]), standby, lag };
        }
        if (store.kind === 'session' && q.kind === 'windows') {
          const key = spec.keySerde.deserialize(Buffer.from(q.key ?? '', 'base64'));
          const sessions = (store as SessionStore<unknown, unknown>).sessions(key).filter((s) => s.window.start >= from && s.window.start <= to);
          return { kind: 'windows', windows: sessions.map((s) => [q.key!, s.window.start, valueBytes(s.value)]), standby, lag };
        }
        throw new QueryError('QUERY_FAILED', `store '${q.store}' is a ${store.kind} store: windows() reads window stores (and session stores by key)`);
      }
    }
  }

  private localStore(name: string, partition: number, allowStandby: boolean): { store: StateStore; standby: boolean; lag: number } | undefined {
    const sub = this.topology.subtopologies().find((s) => s.stores.includes(name));
    if (!sub) return undefined;
    const id = `${sub.id}_${partition}`;
    const active = this.tasks.tasks.get(id);
    if (active && !active.metrics.restoring) return { store: active.store(name), standby: false, lag: 0 };
    const sb = this.tasks.standbys.get(id);
    const store = sb?.store(name);
    if (allowStandby && sb && store) return { store, standby: true, lag: sb.lag() };
    return undefined;
  }

  private async ask(q: WireQuery): Promise<{ answer: WireAnswer; host: string }> {
    const sub = this.topology.subtopologies().find((s) => s.stores.includes(q.store))!;
    const task = `${sub.id}_${q.partition}`;
    const remoteActive: string[] = [];
    const remoteStandby: string[] = [];
    for (const [endpoint, t] of this.hosts) {
      if (endpoint === this.endpoint) continue;
      if (t.active.includes(task)) remoteActive.push(endpoint);
      if (t.standby.includes(task)) remoteStandby.push(endpoint);
    }
    const tries: Array<() => Promise<{ answer: WireAnswer; host: string } | undefined>> = [
      async () => {
        const a = this.answerLocally({ ...q, allowStandby: false });
        return a && { answer: a, host: 'local' };
      },
      ...remoteActive.map((e) => async () => ({ answer: await this.remote(e, { ...q, allowStandby: false }), host: e })),
    ];
    if (q.allowStandby) {
      tries.push(async () => {
        const a = this.answerLocally(q);
        return a && { answer: a, host: 'local' };
      });
      for (const e of remoteStandby) tries.push(async () => ({ answer: await this.remote(e, q), host: e }));
    }
    let last: unknown;
    for (const attempt of tries) {
      try {
        const r = await attempt();
        if (r) return r;
      } catch (e) {
        if (e instanceof QueryError && e.code === 'QUERY_FAILED' && !/unreachable|not ready|does not hold/.test(e.message)) throw e; // a bad query fails everywhere
        last = e;
      }
    }
    const why = last instanceof Error ? `: ${last.message}` : '';
    throw new QueryError('STORE_NOT_READY', `no instance can answer for store '${q.store}' partition ${q.partition} now (rebalancing, restoring, or its host is down)${why}`);
  }

  private taskOf(store: string, key: unknown): { task: string; partition: number } {
    const spec = this.spec(store);
    const sub = this.topology.subtopologies().find((s) => s.stores.includes(store));
    if (!sub) throw new QueryError('STORE_NOT_FOUND', `store '${store}' belongs to no task of this app`);
    const partition = defaultPartition(spec.keySerde.serialize(key), this.partitionsOf(sub.id));
    return { task: `${sub.id}_${partition}`, partition };
  }

  private partitionsFor(store: string): number[] {
    const sub = this.topology.subtopologies().find((s) => s.stores.includes(store));
    if (!sub) throw new QueryError('STORE_NOT_FOUND', `store '${store}' belongs to no task of this app`);
    return Array.from({ length: this.partitionsOf(sub.id) }, (_, i) => i);
  }

  private spec(store: string) {
    const spec = this.topology.stores.get(store);
    if (!spec) throw new QueryError('STORE_NOT_FOUND', `app '${this.topology.appId}' has no store '${store}'`);
    return spec;
  }

  private valueSerde(store: string) {
    return this.spec(store).valueSerde;
  }
}
