// InitProducerId (key 22), v0-5: producer ids for idempotent producers (KIP-98), and the epoch bump
// of KIP-360 (v3+: the producer sends the id and epoch it holds and gets the epoch + 1).
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
    const out = await ctx.broker.producers.initProducerId(Number(request.producerId), request.producerEpoch);
    // PRODUCER_FENCED is v4+ (KIP-588); older clients know it as INVALID_PRODUCER_EPOCH.
    const errorCode = out.errorCode === ErrorCode.PRODUCER_FENCED && ctx.header.apiVersion < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : out.errorCode;
    return { throttleTimeMs: 0, errorCode, producerId: BigInt(out.producerId), producerEpoch: out.producerEpoch };
  },
});
