// The differences between Brook's and Kafka's answers that are by design, each with its reason.
// docs/compatibility.md says the same to users; a difference not listed here fails the
// differential tests, so every new one is either fixed or written down in both places.
import type { Difference } from './normalise.js';

interface Known {
  api: string;
  /** Matches the difference's path (see normalise.ts's differences()). */
  path: RegExp;
  /** Only where the object holding the field carries a non-zero error code in both answers. */
  onError?: boolean;
  /** Only where Brook's value is this one (the rest must still match). */
  brook?: unknown;
  /** Only where Kafka's value is this one. */
  kafka?: unknown;
  reason: string;
}

export const KNOWN_DIFFERENCES: readonly Known[] = [
  {
    api: 'ApiVersions',
    path: /^apiKeys/,
    reason: 'the APIs and versions each serves differ: Brook keeps the old versions Kafka 4 removed (KIP-896) and does not implement every API (docs/compatibility.md lists them)',
  },
  {
    api: 'Fetch',
    path: /^sessionId$/,
    reason: 'Brook declines incremental fetch sessions (KIP-227 lets a broker answer session id 0); every fetch is a full fetch',
  },
  {
    api: 'Fetch',
    path: /^responses\[[^\]]+\]\.partitions\[\d+\]\.(highWatermark|lastStableOffset|logStartOffset|abortedTransactions)$/,
    onError: true,
    reason: 'beside a partition error Brook still reports what it knows of the partition (its offsets; a null aborted-transaction list), Kafka -1 and an empty list; clients read neither on an error',
  },
  {
    api: 'Produce',
    path: /^responses\[[^\]]+\]\.partitionResponses\[\d+\]\.errorCode$/,
    brook: 17,
    reason: 'a name that can never be a topic is INVALID_TOPIC_EXCEPTION on Brook, so clients fail at once; Kafka answers UNKNOWN_TOPIC_OR_PARTITION, which clients retry until their delivery timeout',
  },
  {
    api: 'Produce',
    path: /^responses\[[^\]]+\]\.partitionResponses\[\d+\]\.errorCode$/,
    brook: 87,
    reason: 'a batch Kafka fails with UNKNOWN_SERVER_ERROR (a control batch sent by a client, a compressed batch whose records do not decompress) is INVALID_RECORD on Brook',
  },
  {
    api: 'CreateTopics',
    path: /^topics\[[^\]]+\]\.configs\[(compression\.(gzip|lz4|zstd)\.level|errors\.deadletterqueue\.group\.enable|(follower|leader)\.replication\.throttled\.replicas|local\.retention\.(bytes|ms)|max\.decompressed\.message\.bytes|remote\.[a-z.]+)\]$/,
    brook: undefined,
    reason: 'topic configs of features Brook does not have (tiered storage, replication throttles, broker-side recompression levels, share-group dead-letter queues, a per-topic decompression cap): Brook does not list them',
  },
  {
    api: 'CreateTopics',
    path: /^topics\[[^\]]+\]\.configs\[brook\.[a-z.]+\]$/,
    kafka: undefined,
    reason: "Brook's own topic configs (brook.*, e.g. a share group's dead-letter topic) do not exist on Kafka",
  },
  {
    api: 'CreateTopics',
    path: /^topics\[[^\]]+\]\.configs\[file\.delete\.delay\.ms\]\.value$/,
    reason: 'Brook deletes the files of removed segments at once (file.delete.delay.ms is 0 and fixed); Kafka waits a minute',
  },
  {
    api: 'CreateTopics',
    path: /^topics\[[^\]]+\]\.configs\[min\.insync\.replicas\]\.configSource$/,
    reason: "Kafka's storage format writes min.insync.replicas=1 as a cluster-wide dynamic default (source DYNAMIC_DEFAULT_BROKER_CONFIG); on Brook it is a plain default (DEFAULT_CONFIG)",
  },
  {
    api: 'CreateTopics',
    path: /^topics\[[^\]]+\]\.configs\[message\.timestamp\.after\.max\.ms\]\.value$/,
    reason: 'Kafka 4 (KIP-1030) refuses CreateTime timestamps more than an hour ahead by default; Brook keeps the 3.x default (no bound) for now: docs/compatibility.md, to be aligned',
  },
  {
    api: 'Produce',
    path: /^responses\[[^\]]+\]\.partitionResponses\[\d+\]\.logAppendTimeMs$/,
    brook: '-1',
    reason: 'for a duplicate of an idempotent batch Kafka reports a timestamp of the original batch as its log append time even on a CreateTime topic; Brook answers -1 (no log append time) as for any CreateTime append',
  },
  {
    api: 'DescribeProducers',
    path: /\.activeProducers\[\d+\]\.coordinatorEpoch$/,
    brook: 0,
    reason: 'Brook is its own single transaction coordinator and reports epoch 0 for every producer; Kafka reports -1 until a coordinator has written a marker for the producer',
  },
];

function at(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function parentErrorCode(answer: unknown, path: string): number {
  const parent = path.slice(0, path.lastIndexOf('.'));
  return Number(at(answer, `${parent}.errorCode`) ?? 0);
}

/** The reason a difference is expected, or null when it is not a known one. */
export function explain(api: string, d: Difference, answers: { brook: unknown; kafka: unknown }): string | null {
  const known = KNOWN_DIFFERENCES.find(
    (k) =>
      k.api === api &&
      k.path.test(d.path) &&
      (!('brook' in k) || k.brook === d.brook) &&
      (!('kafka' in k) || k.kafka === d.kafka) &&
      (!k.onError || (parentErrorCode(answers.brook, d.path) !== 0 && parentErrorCode(answers.kafka, d.path) !== 0)),
  );
  return known?.reason ?? null;
}
