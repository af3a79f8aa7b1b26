// One write operation on a group (Kafka's CoordinatorResult): the records it produced, computed
// against the state as it was when the operation started, and the registry changes that go with them
// (a classic group converted to a consumer group or back). The service applies it in one step once
// the operation returns (replay, registry changes), then writes every record in one batch, so a crash
// keeps all of an operation or none of it.
import type { ClassicGroup } from '../classic-group.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { ConsumerGroupRecord } from './consumer-records.js';
import type { GroupWrite } from './flow-context.js';

export class Operation {
  readonly writes: GroupWrite[] = [];
  /** The consumer group the operation works on: registered at commit if it is new. */
  group: ConsumerGroup | undefined;
  /** Writes before this index are already applied to `group` (a conversion built it from them). */
  appliedUpTo = 0;
  /** A classic group this operation replaces (empty, or converted): dropped at commit. */
  replacedClassic: ClassicGroup | undefined;
  /** A classic group this operation creates by downgrading `group`, and why it must rebalance. */
  downgradedTo: { group: ClassicGroup; rebalanceReason: string | null } | undefined;

  constructor(readonly groupId: string) {}

  add(record: ConsumerGroupRecord): void {
    this.writes.push({ kind: 'consumer', record });
  }

  addAll(records: readonly ConsumerGroupRecord[]): void {
    for (const r of records) this.add(r);
  }

  raw(key: Buffer, value: Buffer | null): void {
    this.writes.push({ kind: 'raw', key, value });
  }

  get isEmpty(): boolean {
    return this.writes.length === 0 && this.replacedClassic === undefined && this.downgradedTo === undefined;
  }
}
