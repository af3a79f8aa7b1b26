// DescribeLogDirs (key 35): Brook's one log dir (the data dir) with each partition's size on
// disk. There are no replicas catching up, so offsetLag is 0 and nothing is a "future" log.
// v4+ (KIP-827) adds the volume's total and usable bytes, read with statfs.
import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { BrokerState } from '../broker-state.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { authorize } from './authorize.js';
import { defineHandler } from './handler.js';

/** Kafka's "unknown" for totalBytes/usableBytes. */
const UNKNOWN_BYTES = -1n;

export default defineHandler({
  api: apis.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const { broker } = ctx;
    // DESCRIBE on the cluster, else no log dir at all (KafkaApis.handleDescribeLogDirsRequest).
    if (!authorize(ctx, AclOperation.DESCRIBE, 'cluster', CLUSTER_RESOURCE_NAME)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const wanted = request.topics === null ? allPartitions(broker) : request.topics;
    const topics = [];
    for (const t of wanted) {
      const partitions = [];
      for (const p of t.partitions) {
        const log = broker.logs.getLog(t.topic, p);
        if (!log) continue; // Kafka leaves out partitions this broker does not host
        partitions.push({ partitionIndex: p, partitionSize: BigInt(log.sizeInBytes), offsetLag: 0n, isFutureKey: false });
      }
      if (partitions.length > 0) topics.push({ name: t.topic, partitions });
    }
    const space = ctx.header.apiVersion >= 4 ? await volumeSpace(broker.logs.dataDir) : { totalBytes: UNKNOWN_BYTES, usableBytes: UNKNOWN_BYTES };
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: resolve(broker.logs.dataDir), topics, ...space }],
    };
  },
});

function allPartitions(broker: BrokerState): { topic: string; partitions: number[] }[] {
  return broker.topics.list().map((t) => ({ topic: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) }));
}

async function volumeSpace(dir: string): Promise<{ totalBytes: bigint; usableBytes: bigint }> {
  try {
    const s = await statfs(dir, { bigint: true });
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: UNKNOWN_BYTES, usableBytes: UNKNOWN_BYTES };
  }
}
