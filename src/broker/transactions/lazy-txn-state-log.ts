// __transaction_state created on first use, as Kafka creates it when the first transactional
// request needs it rather than at broker start. Only the writes need the topic: the first one
// creates it (concurrent first writes share the creation, groups/lazy-internal-topic.ts); there is
// nothing to load while it does not exist.
import type { LogManager } from '../../storage/index.js';
import type { LazyInternalTopic } from '../groups/lazy-internal-topic.js';
import type { TxnMetadata } from './txn-state.js';
import { TxnStateLog } from './txn-state-log.js';

export class LazyTxnStateLog extends TxnStateLog {
  constructor(
    logs: LogManager,
    partitions: number,
    private readonly topic: LazyInternalTopic,
  ) {
    super(logs, partitions);
  }

  override async write(m: TxnMetadata, now: number): Promise<void> {
    await this.topic.ensure();
    await super.write(m, now);
  }

  override async tombstone(transactionalId: string, now: number): Promise<void> {
    await this.topic.ensure();
    await super.tombstone(transactionalId, now);
  }
}
