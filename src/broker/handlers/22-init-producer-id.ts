// InitProducerId (key 22), v0-5: producer ids for idempotent producers (KIP-98). A non-transactional
// request always gets a fresh id at epoch 0, also when it carries an id and epoch (v3+, KIP-360), as in
// Kafka; see ProducerStateManager.initProducerId for why no epoch is bumped.
//
// Transactional producers (a transactional.id) need the transaction coordinator of issue #8. Until it
// exists they get TRANSACTIONAL_ID_AUTHORIZATION_FAILED: fatal and non-retriable in every client, so
// `initTransactions()` fails at once with a clear error. COORDINATOR_NOT_AVAILABLE would be retried
// until the client's timeout and look like a hang.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    if (request.transactionalId !== null) {
      ctx.logger.info('refused a transactional producer (transactions are not supported yet)', { transactionalId: request.transactionalId });
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
    }
    const out = await ctx.broker.producers.initProducerId();
    return { throttleTimeMs: 0, errorCode: out.errorCode, producerId: BigInt(out.producerId), producerEpoch: out.producerEpoch };
  },
});
