// `brook consume TOPIC... --share-group G [--ack accept|release|reject]`: reads as a member of a
// share group (KIP-932, "queues for Kafka"): the broker hands each record to one member of the
// group, and this command acknowledges every record it prints with --ack (accept by default:
// done; release: delivered again, to any member; reject: never delivered again, dead-lettered when
// the group has a dead-letter topic). Records fetched beyond --count are released, so they go to
// the next consumer rather than waiting for their locks to expire. A new share group starts at
// the group's share.auto.offset.reset (Kafka's default: latest); --offset does not apply.
//
// --exit stops once a poll brings nothing (nothing available to this group right now); without it
// the command waits for records until Ctrl-C.
import { ShareConsumer, type AcknowledgeKind, type FetchedRecord, type ShareRecord } from '../../client/index.js';
import type { RecordFormatter } from '../format/record-format.js';
import type { CommandContext } from './client-command.js';
import { UsageError } from './start-options.js';

export interface ShareConsumeOptions {
  groupId: string;
  ack: string;
  limit: number;
  exitWhenIdle: boolean;
  formatter: RecordFormatter;
  stopped: () => boolean;
}

const KINDS: readonly AcknowledgeKind[] = ['accept', 'release', 'reject'];

export function parseAckKind(text: string | undefined): AcknowledgeKind {
  const kind = (text ?? 'accept').toLowerCase();
  if (!KINDS.includes(kind as AcknowledgeKind)) throw new UsageError(`--ack must be accept, release or reject, not "${text}".`);
  return kind as AcknowledgeKind;
}

export async function consumeShare(ctx: CommandContext, topics: string[], options: ShareConsumeOptions): Promise<void> {
  const ack = parseAckKind(options.ack);
  const consumer = new ShareConsumer({ ...ctx.client, groupId: options.groupId, acknowledgementMode: 'explicit', maxWaitMs: 500, maxRecords: Math.min(500, options.limit) });
  let printed = 0;
  try {
    await consumer.subscribe(topics);
    while (!options.stopped() && printed < options.limit) {
      const records = await consumer.poll();
      let out = '';
      for (const r of records) {
        if (printed >= options.limit) {
          consumer.acknowledge(r, 'release');
          continue;
        }
        out += options.formatter(asFetched(r));
        consumer.acknowledge(r, ack);
        printed++;
      }
      if (out) await writeOut(out);
      const failed = (await consumer.commit()).filter((res) => res.errorCode !== 0);
      if (failed.length > 0) process.stderr.write(`brook consume: acknowledgement of ${failed.map((f) => `${f.topic}/${f.partition}`).join(', ')} failed (Kafka error ${failed[0]!.errorCode}); those records will be delivered again\n`);
      if (records.length === 0 && options.exitWhenIdle) break;
    }
  } finally {
    await consumer.close().catch(() => undefined);
  }
}

function asFetched(r: ShareRecord): FetchedRecord {
  return { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.map((h) => [Buffer.from(h.key), h.value]) };
}

function writeOut(text: string): Promise<void> {
  if (process.stdout.write(text)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}
