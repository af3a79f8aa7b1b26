// InitProducerId (key 22), v0-5: producer ids for idempotent producers (KIP-98). A non-transactional
// request always gets a fresh id at epoch 0, also when it carries an id and epoch (v3+, KIP-360), as in
// Kafka; see ProducerStateManager.initProducerId for why no epoch is bumped.
//
// With a transactional.id the transaction coordinator answers (transactions/transaction-coordinator.ts):
// the id's producer id with its epoch bumped, fencing any older producer of the same id (an open
// transaction of it is aborted first). v3+ may carry the id and epoch the producer holds (KIP-360);
// they must match, or the producer is fenced. Fenced: PRODUCER_FENCED from v4 (KIP-588), before that
// INVALID_PRODUCER_EPOCH.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { authorize, permitted } from './authorize.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    // ACLs (KafkaApis.handleInitProducerIdRequest): WRITE on the transactional id; without one,
    // IDEMPOTENT_WRITE on the cluster or WRITE on some topic, else CLUSTER_AUTHORIZATION_FAILED.
    const refuse = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
    if (request.transactionalId !== null && !authorize(ctx, AclOperation.WRITE, 'transactional-id', request.transactionalId)) return refuse(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (
      request.transactionalId === null &&
      !permitted(ctx, AclOperation.IDEMPOTENT_WRITE, 'cluster', CLUSTER_RESOURCE_NAME) &&
      !ctx.broker.topics.list().some((t) => permitted(ctx, AclOperation.WRITE, 'topic', t.name)) &&
      !authorize(ctx, AclOperation.IDEMPOTENT_WRITE, 'cluster', CLUSTER_RESOURCE_NAME)
    ) {
      return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    if (request.transactionalId !== null) {
      const fenced = ctx.header.apiVersion >= 4 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
      const out = await ctx.broker.transactions.initProducerId(
        request.transactionalId,
        request.transactionTimeoutMs,
        Number(request.producerId),
        request.producerEpoch,
        fenced,
      );
      return { throttleTimeMs: 0, errorCode: out.errorCode, producerId: BigInt(out.producerId), producerEpoch: out.producerEpoch };
    }
    const out = await ctx.broker.producers.initProducerId();
    return { throttleTimeMs: 0, errorCode: out.errorCode, producerId: BigInt(out.producerId), producerEpoch: out.producerEpoch };
  },
});
