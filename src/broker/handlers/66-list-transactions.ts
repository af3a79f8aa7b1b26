// ListTransactions (key 66), v0-1 (KIP-664; v1 adds the duration filter of KIP-994): transactional ids,
// filtered by state names, producer ids and (v1) transactions open longer than a duration.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { TxnState } from '../transactions/txn-state.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorize } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const known = new Set<string>(Object.keys(TxnState));
    const states = new Set(request.stateFilters);
    const producers = new Set(request.producerIdFilters.map(Number));
    const minDuration = ctx.header.apiVersion >= 1 ? Number(request.durationFilter) : -1;
    const now = Date.now();
    const transactionStates = [];
    for (const m of ctx.broker.transactions.all()) {
      if (states.size > 0 && !states.has(m.state)) continue;
      if (producers.size > 0 && !producers.has(m.producerId)) continue;
      if (minDuration >= 0 && (m.state !== 'Ongoing' || now - m.startTimestampMs < minDuration)) continue;
      // Only transactional ids the principal may DESCRIBE (KafkaApis.handleListTransactionsRequest, which
      // checks after the filters, with logIfDenied: each id left out is an audit line, as a refused request is).
      if (!authorize(ctx, AclOperation.DESCRIBE, 'transactional-id', m.transactionalId)) continue;
      transactionStates.push({ transactionalId: m.transactionalId, producerId: BigInt(m.producerId), transactionState: m.state });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters: request.stateFilters.filter((s) => !known.has(s)), transactionStates };
  },
});
