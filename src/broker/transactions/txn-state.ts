// One transactional id's state at the coordinator (Kafka's TransactionMetadata), and the states of
// its lifecycle with Kafka's numeric ids (persisted as TransactionLogValue.transactionStatus):
//
//   from \ request      AddPartitions/AddOffsets   EndTxn(commit|abort)        InitProducerId
//   ------------------  -------------------------  --------------------------  ------------------------------
//   Empty               -> Ongoing                 INVALID_TXN_STATE           bump epoch, Empty
//   Ongoing             Ongoing (+partitions)      -> PrepareCommit|Abort      abort with bumped epoch (fence),
//                                                    -> markers -> Complete*     then CONCURRENT_TRANSACTIONS
//   PrepareCommit|Abort CONCURRENT_TRANSACTIONS    CONCURRENT_TRANSACTIONS     CONCURRENT_TRANSACTIONS
//   CompleteCommit|Abort -> Ongoing                same result again: NONE;    bump epoch, Empty
//                                                    the other: INVALID_TXN_STATE
//
// Prepare* states exist only between the durable prepare record and the markers: on one node the
// coordinator writes the markers before answering EndTxn, so a client never observes them unless the
// broker crashed in between, and recovery then completes them (transaction-recovery.ts).
// PrepareEpochFence (7) is Kafka's fencing state; Brook fences by going straight to PrepareAbort with
// the bumped epoch, so it is only ever read, as PrepareAbort.
export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateName = keyof typeof TxnState;

export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  /** The epoch before the last bump by the coordinator (timeout abort or fence), for KIP-360 recovery. */
  lastProducerEpoch: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStateName;
  /** "topic\0partition" keys of the partitions in the current transaction. */
  partitions: Set<string>;
  startTimestampMs: number;
  lastUpdateTimestampMs: number;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

export function splitPartitionKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf('\0');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/** The partitions grouped by topic, topics and partitions sorted (the record's and Describe's shape). */
export function groupPartitions(keys: Iterable<string>): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const k of keys) {
    const { topic, partition } = splitPartitionKey(k);
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push(partition);
  }
  return [...byTopic.keys()].sort().map((topic) => ({ topic, partitions: byTopic.get(topic)!.sort((a, b) => a - b) }));
}

export function isComplete(state: TxnStateName): boolean {
  return state === 'Empty' || state === 'CompleteCommit' || state === 'CompleteAbort';
}
