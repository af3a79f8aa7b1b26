// Appends one transactional batch (KIP-98) for Produce: the coordinator verifies that the producer holds
// its transactional id's current epoch and that the partition is in its open transaction (the check
// KIP-890 part 1 moved to the broker; on one node it is a map lookup, no request). Then the batch goes
// through the producer's sequence window like any idempotent batch, and the partition's transaction
// state learns where the transaction starts — synchronously before the append begins, so the last
// stable offset can never pass it (producers/partition-transactions.ts).
import { ErrorCode } from '../../protocol/errors.js';
import { batchProducerEpoch, batchProducerId } from '../../protocol/records/batch-header.js';
import type { PartitionLog } from '../../storage/index.js';
import type { BrokerState } from '../broker-state.js';
import type { IdempotentAppendOutcome } from '../producers/producer-state-manager.js';

export async function appendTransactional(broker: BrokerState, log: PartitionLog, topic: string, partition: number, batch: Buffer, durable: boolean, beforeAppend?: () => void): Promise<IdempotentAppendOutcome> {
  const producerId = batchProducerId(batch);
  const verdict = broker.transactions.verifyProduce(producerId, batchProducerEpoch(batch), topic, partition);
  if (verdict !== ErrorCode.NONE) return { kind: 'rejected', errorCode: verdict, message: `transactional batch of producer ${producerId} refused` };
  const txns = await broker.producers.transactions.get(log);
  let lowerBound = -1;
  const outcome = await broker.producers.append(log, batch, durable, () => {
    const end = log.logEndOffset;
    if (txns.begin(producerId, end)) lowerBound = end;
    beforeAppend?.();
  });
  if (outcome.kind === 'appended' && lowerBound >= 0) txns.settleBegin(producerId, lowerBound, outcome.result.baseOffset);
  return outcome;
}
