// The types a share-partition's operations take and return, shared by the engine's modules and its
// front doors (the Kafka share-group handlers, and AMQP queues). Offsets are plain numbers: a log
// offset stays far below 2^53.
import type { ArchiveReason, DeliveryState } from './delivery-state.js';

/** What governs deliveries of one share-partition; read per call, since group configs change at run time. */
export interface DeliveryPolicy {
  /** How long an acquisition lock lasts (share.record.lock.duration.ms). */
  lockDurationMs: number;
  /** Deliveries after which a released or expired record is archived (share.delivery.count.limit). */
  deliveryLimit: number;
  /** Most records between the start offset and the end of the window (share.partition.max.record.locks). */
  maxInFlight: number;
  /** Whether Renew acknowledgements are allowed (share.renew.acknowledge.enable, KIP-1222). */
  renewEnabled: boolean;
  /** Whether archived records go to a dead-letter topic first (through the Archiving state). */
  deadLetter: boolean;
}

/** One stored batch read from the log: its offsets, and whether it must never be delivered. */
export interface BatchExtent {
  first: number;
  last: number;
  /** A control batch (transaction marker) or, under read_committed, an aborted batch: archived unseen. */
  skip: boolean;
}

export interface AcquireOptions {
  /** Records wanted (the request's MaxRecords); batch-optimized acquisition may exceed it to end on a batch boundary. */
  maxRecords: number;
  /** Preferred size of each acquired range (the request's BatchSize). */
  batchSize: number;
  /** ShareAcquireMode 1 (KIP-1206): exactly at most maxRecords, splitting batches if needed. */
  recordLimit: boolean;
  now: number;
}

/** A range handed to a consumer, with the delivery count it is on (1 on first delivery). */
export interface AcquiredRange {
  first: number;
  last: number;
  deliveryCount: number;
}

/** A range's new persisted state: Acquired is persisted as Available (a crash releases every lock). */
export interface PersistedBatch {
  first: number;
  last: number;
  state: DeliveryState;
  count: number;
}

/** Records that entered Archiving and wait for their dead-letter copy. */
export interface Archival {
  first: number;
  last: number;
  count: number;
  reason: ArchiveReason;
}

/** What an operation changed, for the state log, the dead-letter writer and waiting fetches. */
export interface Outcome {
  /** Persisted-state changes, in offset order. */
  changes: PersistedBatch[];
  archivals: Archival[];
  /** The start offset moved (its new value goes to the state log). */
  startMoved: boolean;
  /** Some records became Available (parked fetches should look again). */
  released: boolean;
}

export function emptyOutcome(): Outcome {
  return { changes: [], archivals: [], startMoved: false, released: false };
}

/** One acknowledgement batch as KIP-932 sends it: one type for the range, or one per offset. */
export interface AckBatch {
  first: number;
  last: number;
  types: readonly number[];
}

/** Why an acknowledgement was refused: the whole partition's acknowledgements in the request are refused. */
export interface AckRefusal {
  /** 'invalid-record-state': not acquired by this member (INVALID_RECORD_STATE); 'invalid-request': offsets past the window. */
  kind: 'invalid-record-state' | 'invalid-request';
  message: string;
}

/** Counts shown by describe tools. */
export interface PartitionStats {
  startOffset: number;
  endOffset: number;
  acquired: number;
  available: number;
  acknowledged: number;
  archived: number;
  /** Offsets >= start whose delivery is complete (Kafka's DeliveryCompleteCount, KIP-1226). */
  deliveryComplete: number;
}
