// CreatePartitions (key 37): grows a topic to `count` partitions. Explicit assignments must list
// one replica set per new partition, each [this node]. validateOnly checks without growing.
// Shrinking or keeping the count is INVALID_PARTITIONS, with Kafka's sentences.
//
// Bounded (docs/limits.md): a request adding more than brook.max.partitions.per.request partitions in
// all is refused whole with POLICY_VIOLATION, as Kafka's controller refuses a batch of more than
// 10,000 records; each topic must also fit the broker's brook.max.partitions.
//
// controller_mutation_rate (KIP-599, handlers/mutation-quota.ts): a valid topic is charged the
// partitions it adds, validate-only too; from v3 one over the quota is THROTTLING_QUOTA_EXCEEDED,
// before v3 it grows and the response is throttled.
import { apis } from '../../protocol/messages/index.js';
import type { CreatePartitionsRequestCreatePartitionsTopic } from '../../protocol/messages/create-partitions.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { BrokerState } from '../broker-state.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';
import { mutationQuotaFor, THROTTLED } from './mutation-quota.js';

interface Outcome {
  errorCode: number;
  errorMessage: string | null;
}

const ok: Outcome = { errorCode: ErrorCode.NONE, errorMessage: null };

export default defineHandler({
  api: apis.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const { broker } = ctx;
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    let adding = 0;
    for (const t of request.topics) adding += Math.max(0, t.count - (broker.topics.get(t.name)?.partitions ?? t.count));
    if (adding > broker.config.getNumber('brook.max.partitions.per.request')) {
      const errorMessage = 'Unable to perform excessively large batch operation.';
      return { throttleTimeMs: 0, results: request.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.POLICY_VIOLATION, errorMessage })) };
    }
    const results = [];
    const quota = mutationQuotaFor(ctx, 3);
    for (const t of request.topics) {
      let outcome: Outcome;
      if ((seen.get(t.name) ?? 0) > 1) outcome = { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' };
      // ACLs: ALTER on the topic (KafkaApis.handleCreatePartitionsRequest).
      else if (!authorize(ctx, AclOperation.ALTER, 'topic', t.name)) outcome = { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
      else {
        const invalid = validate(broker, t);
        const added = t.count - (broker.topics.get(t.name)?.partitions ?? t.count);
        if (invalid) outcome = invalid;
        else if (!quota.record(added)) outcome = THROTTLED;
        else outcome = request.validateOnly ? ok : await grow(broker, t.name, t.count);
      }
      results.push({ name: t.name, ...outcome });
    }
    return { throttleTimeMs: quota.throttleTimeMs(), results };
  },
});

function validate(broker: BrokerState, t: CreatePartitionsRequestCreatePartitionsTopic): Outcome | null {
  const topic = broker.topics.get(t.name);
  if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${t.name}' does not exist.` };
  if (t.count < topic.partitions) {
    return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic currently has ${topic.partitions} partitions, which is higher than the requested ${t.count}.` };
  }
  if (t.count === topic.partitions) return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic already has ${topic.partitions} partitions.` };
  // Only null means "no explicit assignments": an empty list asks for zero new partitions' worth
  // of assignments, which Kafka (KRaft's ReplicationControlManager) refuses, and so does Brook.
  if (t.assignments !== null) {
    const added = t.count - topic.partitions;
    if (t.assignments.length !== added) {
      return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Attempted to add ${added} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.` };
    }
    const bad = t.assignments.findIndex((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId);
    if (bad >= 0) {
      return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Partition ${topic.partitions + bad} must be assigned to broker ${broker.nodeId} alone.` };
    }
  }
  return broker.topics.checkPartitionLimit(t.count - topic.partitions);
}

async function grow(broker: BrokerState, name: string, count: number): Promise<Outcome> {
  const outcome = await broker.topics.grow(name, count);
  return { errorCode: outcome.errorCode, errorMessage: outcome.errorMessage };
}
