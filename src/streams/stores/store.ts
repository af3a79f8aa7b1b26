// The state store contracts. Stores hold typed keys and values in memory (no serde on the read
// path) and serialize only what the changelog needs: every mutation is logged through a
// ChangeLogger to `<appId>-<store>-changelog`, and `restoreBatch` rebuilds a store from those
// changelog records, so the changelog is the source of truth and the local copy a cache of it.
// Changelog key formats for windowed and session stores are in stores/store-keys.ts.

import type { Serde } from '../serdes.js';
import type { ChangelogRecord } from '../engine/transport.js';
import type { TimeWindow } from '../windows.js';

/** Receives every store mutation, serialized; the task turns it into a changelog record. */
export interface ChangeLogger {
  /** `timestamp` defaults to the current record's; versioned stores log each version with its own. */
  log(key: Buffer, value: Buffer | null, timestamp?: number): void;
}

export type StoreKind = 'key-value' | 'window' | 'session' | 'versioned';

/** The lifecycle the task drives, common to every store. */
export interface StateStore {
  readonly name: string;
  readonly kind: StoreKind;
  /** Attach change logging. Called once before restore; restore itself is not logged. */
  init(logger: ChangeLogger): void;
  /** Next changelog offset to restore from, when the store kept a valid local copy; else undefined (restore everything). */
  checkpoint(): bigint | undefined;
  restoreBatch(records: readonly ChangelogRecord[]): void;
  /**
   * The serialized value the local copy holds for a changelog key (null: none). Only stores with
   * a checkpoint need it: restore repairs keys whose committed value predates the checkpoint.
   */
  changelogValue?(key: Buffer): Buffer | null;
  /** Make local writes durable (persistent stores); called while the task commits. */
  flush(): Promise<void>;
  /** The changelog end offset the producer acknowledged at the last commit (persistent stores checkpoint it on clean close). */
  committed(changelogEndOffset: bigint): void;
  close(): Promise<void>;
  approximateEntries(): number;
}

export interface KeyValueStore<K, V> extends StateStore {
  readonly kind: 'key-value';
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  delete(key: K): void;
  /** Every entry; order unspecified. */
  all(): IterableIterator<[K, V]>;
  /**
   * Entries whose serialized key is within [from, to] (both inclusive, either open when undefined),
   * in serialized-key byte order, as Kafka Streams' range queries are. Persistent stores scan their
   * B-tree; in-memory stores filter and sort, so this is for queries, not per-record work.
   */
  range(from?: K, to?: K): Array<[K, V]>;
  /**
   * Entries whose serialized key starts with `prefix` bytes, in byte order (Kafka Streams'
   * prefixScan). In-memory stores answer from a prefix index when the spec declares one
   * (`prefixLength`), else by a full scan.
   */
  prefixScan(prefix: Buffer): Array<[K, V]>;
}

export interface WindowEntry<K, V> {
  readonly key: K;
  readonly start: number;
  readonly value: V;
}

export interface WindowStore<K, V> extends StateStore {
  readonly kind: 'window';
  get(key: K, windowStart: number): V | undefined;
  put(key: K, windowStart: number, value: V): void;
  /** Remove one window, logged (a tombstone in the changelog), unlike expiry. */
  delete(key: K, windowStart: number): void;
  /** This key's windows with fromStart <= start <= toStart, in start order. */
  fetch(key: K, fromStart: number, toStart: number): Array<[number, V]>;
  /** All keys' windows with fromStart <= start <= toStart, in start order. */
  fetchAll(fromStart: number, toStart: number): Array<WindowEntry<K, V>>;
  /** Smallest window start held, or undefined when empty. */
  earliestStart(): number | undefined;
  /** Drop windows with start < beforeStart (not logged: windowed changelogs are compacted and time-retained). */
  expire(beforeStart: number): void;
}

export interface SessionEntry<K, V> {
  readonly key: K;
  readonly window: TimeWindow;
  readonly value: V;
}

export interface SessionStore<K, V> extends StateStore {
  readonly kind: 'session';
  /** This key's sessions, in start order. */
  sessions(key: K): ReadonlyArray<SessionEntry<K, V>>;
  put(key: K, window: TimeWindow, value: V): void;
  remove(key: K, window: TimeWindow): void;
  /** All sessions with end <= maxEnd, in end order. */
  endingBy(maxEnd: number): Array<SessionEntry<K, V>>;
  /** Smallest session end held, or undefined when empty. */
  earliestEnd(): number | undefined;
  /** Drop sessions with end < beforeEnd (not logged). */
  expire(beforeEnd: number): void;
}

export interface StoreOptions {
  /** Versioned key-value stores (KIP-889): how long past versions stay readable, in stream time. */
  historyRetentionMs?: number;
  /**
   * Internal: how many leading bytes of a serialized key form its prefix, so in-memory stores can
   * index prefixes for prefixScan (the foreign-key join's subscription store uses it).
   */
  prefixLength?: (keyBytes: Buffer) => number;
  /** Keep the store on local disk (LMDB) with a checkpoint, instead of in memory only (any store kind). */
  persistent?: boolean;
  /** In-memory stores: the most entries held; one more put fails with STORE_FULL. Default 1,000,000. */
  maxEntries?: number;
  /** Persistent key-value stores: how many decoded entries to cache in memory (window and session stores cache none). Default 10,000. */
  cacheEntries?: number;
}

/** Everything needed to create one store instance per task. */
export interface StoreSpec<K = unknown, V = unknown> {
  readonly name: string;
  readonly kind: StoreKind;
  readonly changelogTopic: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly options: StoreOptions;
}

export const defaultMaxEntries = 1_000_000;
