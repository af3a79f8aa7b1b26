// Dead-lettering (RabbitMQ's rabbit_dead_letter): a message rejected without requeue, expired, or
// dropped by x-max-length is republished to the queue's x-dead-letter-exchange with the routing key
// x-dead-letter-routing-key (else its own), and its headers get an `x-death` entry:
//
//   x-death: array of tables, newest first, one per (queue, reason):
//     count (long), reason (rejected | expired | maxlen | delivery_limit), queue, time (timestamp),
//     exchange, routing-keys (array), original-expiration (when the message had an expiration)
//   x-first-death-reason / -queue / -exchange: set on the first dead-lettering only
//
// A repeat for the same queue and reason increments that entry's count and moves it to the front.
// The expiration property is removed (kept as original-expiration) so the copy does not expire
// again for the same reason. This is the queue engine's DeadLetterSink for AMQP queues: the engine
// calls it once the Archiving state is written and marks the records Archived only after the
// copies are appended (durably), so a crash in between dead-letters them again (at least once).
import { decodeProperties, encodeProperties, longstrValue, type FieldTable, type FieldValue } from '../../amqp/index.js';
import { readRange, type Archival, type DeadLetterSink, type DeadLetterSource, type DeadLetterTarget } from '../queues/index.js';
import { fromRecord, type AmqpMessage } from './message-record.js';
import type { AmqpQueue } from './queue.js';

const REASONS: Record<Archival['reason'], string> = { rejected: 'rejected', expired: 'expired', maxlen: 'maxlen', 'delivery-limit': 'delivery_limit' };

export interface DeadLetterRouting {
  /** The queue behind an engine owner id. */
  queueByOwner(owner: string): AmqpQueue | undefined;
  /** Publishes a dead-lettered message through `exchange` of the queue's vhost; resolves once durable. */
  republish(queue: AmqpQueue, exchange: string, routingKey: string, message: AmqpMessage): Promise<void>;
}

export class AmqpDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly routing: DeadLetterRouting,
    private readonly now: () => number,
  ) {}

  async write(source: DeadLetterSource, _target: DeadLetterTarget, a: Archival): Promise<void> {
    const queue = this.routing.queueByOwner(source.owner);
    const dlx = queue?.args.deadLetterExchange;
    if (!queue || dlx === undefined) return;
    const records = await readRange(source.log, a.first, a.last);
    for (const [offset, r] of records) {
      const stored = fromRecord(offset, r.timestamp ?? 0, r.key ?? null, r.value ?? null, r.headers ?? []);
      const message = deadLetteredCopy(queue, dlx, stored, a.reason, this.now());
      await this.routing.republish(queue, dlx, message.routingKey, message);
    }
  }
}

/** The copy of a message `queue` dead-letters for `reason` to `dlx`: x-death and x-first-death-* headers added, expiration removed. */
export function deadLetteredCopy(queue: AmqpQueue, dlx: string, m: Pick<AmqpMessage, 'exchange' | 'routingKey' | 'properties' | 'body'>, reason: Archival['reason'], now: number): AmqpMessage {
  const props = decodeProperties(m.properties);
  const headers: FieldTable = props.headers ? [...props.headers] : [];
  const entry: FieldTable = [
    ['count', { type: 'l', value: 1n }],
    ['reason', longstrValue(REASONS[reason])],
    ['queue', longstrValue(queue.name)],
    ['time', { type: 'T', value: BigInt(Math.floor(now / 1000)) }],
    ['exchange', longstrValue(m.exchange)],
    ['routing-keys', { type: 'A', value: [longstrValue(m.routingKey)] }],
  ];
  if (props.expiration !== undefined) entry.push(['original-expiration', longstrValue(props.expiration)]);
  const xDeath = updateXDeath(headers, entry, queue.name, REASONS[reason]);
  setHeader(headers, 'x-death', { type: 'A', value: xDeath });
  if (!headers.some(([k]) => k === 'x-first-death-reason')) {
    headers.push(['x-first-death-reason', longstrValue(REASONS[reason])], ['x-first-death-queue', longstrValue(queue.name)], ['x-first-death-exchange', longstrValue(m.exchange)]);
  }
  props.headers = headers;
  props.expiration = undefined;
  return {
    exchange: dlx,
    routingKey: queue.args.deadLetterRoutingKey ?? m.routingKey,
    properties: encodeProperties(props),
    body: Buffer.from(m.body),
    persistent: props.deliveryMode === 2,
    expirationMs: undefined,
  };
}

function setHeader(headers: FieldTable, name: string, value: FieldValue): void {
  const i = headers.findIndex(([k]) => k === name);
  if (i >= 0) headers[i] = [name, value];
  else headers.push([name, value]);
}

/** The x-death array after one more dead-lettering from `queue` for `reason`. */
function updateXDeath(headers: FieldTable, entry: FieldTable, queue: string, reason: string): FieldValue[] {
  const existing = headers.find(([k]) => k === 'x-death')?.[1];
  const list: FieldValue[] = existing && existing.type === 'A' ? [...existing.value] : [];
  const same = (v: FieldValue): boolean => {
    if (v.type !== 'F') return false;
    const q = v.value.find(([k]) => k === 'queue')?.[1];
    const r = v.value.find(([k]) => k === 'reason')?.[1];
    return q?.type === 'S' && q.value.toString() === queue && r?.type === 'S' && r.value.toString() === reason;
  };
  const i = list.findIndex(same);
  if (i < 0) return [{ type: 'F', value: entry }, ...list];
  const old = list[i] as { type: 'F'; value: FieldTable };
  const countEntry = old.value.find(([k]) => k === 'count')?.[1];
  const count = countEntry && (countEntry.type === 'l' || countEntry.type === 'L') ? countEntry.value + 1n : 2n;
  const updated: FieldTable = old.value.map(([k, v]) => (k === 'count' ? [k, { type: 'l', value: count }] : k === 'time' ? [k, entry.find(([n]) => n === 'time')![1]] : [k, v]));
  list.splice(i, 1);
  return [{ type: 'F', value: updated }, ...list];
}
