// WriteTxnMarkers (key 27), v1-v2 (Kafka 4 dropped v0, KIP-896). Between Kafka brokers the transaction coordinator
// sends it to partition leaders; on one node Brook's coordinator appends its markers itself (txn-markers.ts), so
// the request arrives only from clients: Admin.abortTransaction (KIP-664, `kafka-transactions.sh abort`) writing
// the ABORT marker of a hanging transaction on one partition. Every partition is answered on its own.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { authorize, permitted } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.WriteTxnMarkers,
  minVersion: 1,
  maxVersion: 2,
  async handle(request, ctx) {
    // ALTER on the cluster (Admin.abortTransaction), else CLUSTER_ACTION (a broker); refused: every
    // partition CLUSTER_AUTHORIZATION_FAILED (KafkaApis.handleWriteTxnMarkersRequest).
    if (!permitted(ctx, AclOperation.ALTER, 'cluster', CLUSTER_RESOURCE_NAME) && !authorize(ctx, AclOperation.CLUSTER_ACTION, 'cluster', CLUSTER_RESOURCE_NAME)) {
      return {
        markers: request.markers.map((m) => ({
          producerId: m.producerId,
          topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })) })),
        })),
      };
    }
    const { transactions } = ctx.broker;
    const markers = await Promise.all(
      request.markers.map(async (m) => ({
        producerId: m.producerId,
        topics: await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (partitionIndex) => ({
                partitionIndex,
                errorCode: await transactions.writeRequestedMarker(t.name, partitionIndex, Number(m.producerId), m.producerEpoch, m.transactionResult),
              })),
            ),
          })),
        ),
      })),
    );
    return { markers };
  },
});
