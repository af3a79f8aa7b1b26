// Queue declare arguments (x-*), validated as RabbitMQ validates them (rabbit_amqqueue's
// check_*_arg): a wrong type or a negative value is 406 PRECONDITION_FAILED "invalid arg
// 'x-message-ttl' for queue 'q' in vhost '/': ...". Arguments Brook does not act on (x-queue-mode,
// x-queue-master-locator, ...) are accepted and kept, as RabbitMQ keeps unknown ones.
import { fieldInteger, fieldString, tableGet, type FieldTable } from '../../amqp/index.js';
import { TYPE_NAMES } from './equivalence.js';
import { Reply, rname } from './errors.js';

export type Overflow = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';

export interface QueueArguments {
  type: 'classic' | 'quorum' | 'stream';
  messageTtl: number | undefined;
  expires: number | undefined;
  maxLength: number | undefined;
  maxLengthBytes: number | undefined;
  overflow: Overflow;
  deadLetterExchange: string | undefined;
  deadLetterRoutingKey: string | undefined;
  deliveryLimit: number | undefined;
  /** x-consumer-timeout (RabbitMQ 3.12+): this queue's delivery acknowledgement timeout, ms. */
  consumerTimeout: number | undefined;
  /** x-single-active-consumer: one consumer at a time receives (consumer-order.ts). */
  singleActiveConsumer: boolean;
  /** x-max-priority (1-255): message priorities above it count as it; undefined: not a priority queue. */
  maxPriority: number | undefined;
  /**
   * Stream queues' retention, as their log's topic configs: x-max-age (retention.ms),
   * x-max-length-bytes (retention.bytes; on a stream it is retention, not an overflow limit) and
   * x-stream-max-segment-size-bytes (segment.bytes). Whole segments are dropped, as in RabbitMQ.
   */
  streamRetention: { maxAgeMs?: number; maxBytes?: number; segmentBytes?: number } | undefined;
}

/** x-max-age units (RabbitMQ: Y, M, D, h, m, s; a month is 30 days, a year 365). */
const AGE_UNITS: Record<string, number> = { Y: 365 * 86_400_000, M: 30 * 86_400_000, D: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** "7D", "1h", "30s" in ms, else undefined. */
export function parseMaxAge(text: string): number | undefined {
  const m = /^(\d+)([YMDhms])$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * AGE_UNITS[m[2]!]!;
}

export function parseQueueArguments(args: FieldTable, queue: string, vhost: string): QueueArguments {
  const bad = (name: string, why: string): never => {
    throw Reply.preconditionFailed(`invalid arg '${name}' for ${rname('queue', queue, vhost)}: ${why}`);
  };
  const nonNegative = (name: string, min = 0): number | undefined => {
    const v = tableGet(args, name);
    if (v === undefined) return undefined;
    const n = fieldInteger(v);
    if (n === undefined) return bad(name, `"expected integer, got ${TYPE_NAMES[v.type] ?? v.type}"`);
    if (n < min) return bad(name, min > 0 ? `{value_zero,${n}}` : `{value_negative,${n}}`);
    return n;
  };
  const text = (name: string): string | undefined => {
    const v = tableGet(args, name);
    if (v === undefined) return undefined;
    const s = fieldString(v);
    if (s === undefined) return bad(name, `{unacceptable_type,${TYPE_NAMES[v.type] ?? v.type}}`);
    return s;
  };
  const type = text('x-queue-type') ?? 'classic';
  if (type !== 'classic' && type !== 'quorum' && type !== 'stream') bad('x-queue-type', `{unsupported_type,${type}}`);
  const overflow = text('x-overflow') ?? 'drop-head';
  if (overflow !== 'drop-head' && overflow !== 'reject-publish' && overflow !== 'reject-publish-dlx') bad('x-overflow', `{unknown_overflow,${overflow}}`);
  const dlrk = text('x-dead-letter-routing-key');
  const dlx = text('x-dead-letter-exchange');
  if (dlrk !== undefined && dlx === undefined) {
    throw Reply.preconditionFailed(`invalid arg 'x-dead-letter-routing-key' for ${rname('queue', queue, vhost)}: routing_key_but_no_dlx_defined`);
  }
  const sacValue = tableGet(args, 'x-single-active-consumer');
  if (sacValue !== undefined && sacValue.type !== 't') bad('x-single-active-consumer', `{unacceptable_type,${TYPE_NAMES[sacValue.type] ?? sacValue.type}}`);
  const maxPriority = nonNegative('x-max-priority');
  // RabbitMQ refuses more than 255 levels (check_max_priority_arg).
  if (maxPriority !== undefined && maxPriority > 255) bad('x-max-priority', `{max_value_exceeded,${maxPriority}}`);
  let streamRetention: QueueArguments['streamRetention'];
  let maxLengthBytes = nonNegative('x-max-length-bytes');
  if (type === 'stream') {
    const age = text('x-max-age');
    const maxAgeMs = age === undefined ? undefined : parseMaxAge(age);
    if (age !== undefined && maxAgeMs === undefined) bad('x-max-age', 'invalid_max_age');
    const segmentBytes = nonNegative('x-stream-max-segment-size-bytes', 1);
    streamRetention = { maxAgeMs, maxBytes: maxLengthBytes, segmentBytes };
    maxLengthBytes = undefined;
  }
  return {
    type: type as QueueArguments['type'],
    messageTtl: nonNegative('x-message-ttl'),
    expires: nonNegative('x-expires', 1),
    maxLength: nonNegative('x-max-length'),
    maxLengthBytes,
    overflow: overflow as Overflow,
    deadLetterExchange: dlx,
    deadLetterRoutingKey: dlrk,
    deliveryLimit: nonNegative('x-delivery-limit'),
    consumerTimeout: nonNegative('x-consumer-timeout', 1),
    singleActiveConsumer: sacValue?.type === 't' && sacValue.value,
    maxPriority: maxPriority !== undefined && maxPriority > 0 ? maxPriority : undefined,
    streamRetention,
  };
}

/** Arguments compared on redeclare (RabbitMQ's equivalence check covers these). */
export const EQUIVALENCE_ARGS = [
  'x-message-ttl',
  'x-expires',
  'x-max-length',
  'x-max-length-bytes',
  'x-overflow',
  'x-dead-letter-exchange',
  'x-dead-letter-routing-key',
  'x-queue-type',
  'x-max-priority',
  'x-delivery-limit',
  'x-single-active-consumer',
  'x-queue-mode',
  'x-max-age',
  'x-stream-max-segment-size-bytes',
] as const;
