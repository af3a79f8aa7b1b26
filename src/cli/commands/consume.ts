// `brook consume TOPIC...`: prints records as they arrive (--follow, the default), or until the
// end of the log (--exit), or until --count records. Without --group it reads the partitions
// directly from --offset; with --group it joins the group, starts from the group's committed
// offsets and commits exactly what it printed, so `brook group describe` shows true lag.
import type { Command } from 'commander';
import { createAdmin, createConsumer, kafkaErrorName, LogReader, type Admin, type Consumer } from '../../client/index.js';
import { plural } from '../format/table.js';
import { compileFormat, DEFAULT_FORMAT, jsonFormatter, type RecordFormatter } from '../format/record-format.js';
import { UsageError } from './start-options.js';
import { addBrokersOption, collect, parseWhole, runClientCommand, type BrokersFlag, type CommandContext } from './client-command.js';
import { FixedPositions, GroupPositions, type PositionSource } from './consume-positions.js';
import { parseOffsetSpec } from './offset-spec.js';
import { requireTopics } from './topic-lookup.js';
import { consumeShare, parseAckKind } from './consume-share.js';

interface ConsumeFlags extends BrokersFlag {
  offset: string;
  count?: string;
  group?: string;
  partition?: string[];
  format?: string;
  json?: boolean;
  nullLiteral?: string;
  follow?: boolean;
  exit?: boolean;
  shareGroup?: string;
  ack?: string;
}

export function registerConsume(program: Command): void {
  addBrokersOption(
    program
      .command('consume')
      .argument('<topics...>', 'topics to read')
      .description('Print records from topics, optionally as a member of a consumer group.')
      .option('-o, --offset <where>', 'beginning, end, <n>, -<n> (n before the end), @<ms> or @<ISO date>', 'beginning')
      .option('-n, --count <n>', 'stop after n records')
      .option('-g, --group <id>', 'consume as a member of this group and commit what is printed')
      .option('-p, --partition <n>', 'read only this partition, repeatable (not with --group)', collect)
      .option('-f, --format <format>', 'output per record: %t %p %o %k %v %h %T %K %S %%, \\n \\t (default: "%v\\n")')
      .option('-j, --json', 'print one JSON object per record (topic, partition, offset, timestamp, key, value, headers)')
      .option('--null-literal <text>', 'how a null key or value (a keyless record, a tombstone) prints with --format', 'null')
      .option('--follow', 'keep waiting for new records until Ctrl-C (the default)')
      .option('-e, --exit', 'stop at the end of the log')
      .option('--share-group <id>', 'consume as a member of this share group (KIP-932): each record goes to one member and is acknowledged')
      .option('--ack <type>', 'with --share-group: accept, release or reject every record printed', 'accept')
      .addHelpText(
        'after',
        [
          '',
          'Examples:',
          '  brook consume orders --exit                       # everything so far, then stop',
          '  brook consume orders -o -10 --exit                # the last 10 records of each partition',
          '  brook consume orders -o @2024-05-01T00:00:00Z     # from a point in time, then follow',
          '  brook consume orders --group billing              # as a member of group "billing"',
          "  brook consume orders -f '%p/%o %k=%v (%T)\\n'",
          '  brook consume orders --json -n 5 | jq .value',
          '  brook consume orders --share-group workers       # a queue: records shared among the members',
          '  brook consume orders --share-group workers --ack release -n 1   # peek: print one, give it back',
          '',
        ].join('\n'),
      ),
  ).action((topics: string[], flags: ConsumeFlags) => runClientCommand('consume', flags, (ctx) => consume(ctx, topics, flags)));
}

async function consume(ctx: CommandContext, topics: string[], flags: ConsumeFlags): Promise<void> {
  const spec = parseOffsetSpec('--offset', flags.offset);
  const limit = flags.count === undefined ? Infinity : parseWhole('--count', flags.count, 1);
  if (flags.follow === true && flags.exit === true) throw new UsageError('--follow and --exit contradict each other; give one.');
  if (flags.group !== undefined && flags.partition !== undefined) throw new UsageError('--partition cannot be used with --group (the group assigns partitions).');
  if (flags.json === true && flags.format !== undefined) throw new UsageError('--json and --format contradict each other; give one.');
  const formatter: RecordFormatter = flags.json === true ? jsonFormatter : compileFormat(flags.format ?? DEFAULT_FORMAT, flags.nullLiteral);
  const partitionFilter = (flags.partition ?? []).map((p) => parseWhole('--partition', p));
  const exitAtEnd = flags.exit === true;
  if (flags.shareGroup !== undefined) return consumeAsShareMember(ctx, topics, flags, formatter, limit);

  const admin = createAdmin(ctx.client);
  const consumer: Consumer = createConsumer(ctx.client, { groupId: flags.group ?? `brook-cli-consume-${process.pid}`, autocommit: false });
  const stop = new StopSignal();
  try {
    const counts = await requireTopics(admin, topics);
    let source: PositionSource;
    if (flags.group !== undefined) {
      for (const t of topics) consumer.topics.track(t);
      await consumer.joinGroup({});
      source = new GroupPositions(admin, consumer, spec);
    } else {
      source = new FixedPositions(admin, fixedPartitions(topics, counts, partitionFilter), spec);
    }
    // A fetch waits at most this long for data, which bounds how late Ctrl-C is noticed.
    const reader = new LogReader(consumer, { maxWaitMs: exitAtEnd ? 0 : 500 });
    await readLoop({ reader, source, formatter, limit, exitAtEnd, stop, commit: flags.group !== undefined ? commitTo(consumer) : undefined });
  } finally {
    stop.dispose();
    await closeQuietly(consumer, admin);
  }
}

async function consumeAsShareMember(ctx: CommandContext, topics: string[], flags: ConsumeFlags, formatter: RecordFormatter, limit: number): Promise<void> {
  if (flags.group !== undefined || flags.partition !== undefined) throw new UsageError('--share-group cannot be used with --group or --partition (the share group assigns partitions).');
  parseAckKind(flags.ack);
  const admin = createAdmin(ctx.client);
  try {
    await requireTopics(admin, topics);
  } finally {
    await admin.close().catch(() => undefined);
  }
  const stop = new StopSignal();
  try {
    await consumeShare(ctx, topics, { groupId: flags.shareGroup!, ack: flags.ack ?? 'accept', limit, exitWhenIdle: flags.exit === true, formatter, stopped: () => stop.requested });
  } finally {
    stop.dispose();
  }
}

function fixedPartitions(topics: string[], counts: Map<string, number>, only: number[]): { topic: string; partition: number }[] {
  const out: { topic: string; partition: number }[] = [];
  for (const topic of topics) {
    const count = counts.get(topic) ?? 0;
    for (const p of only) if (p >= count) throw new UsageError(`Topic "${topic}" has ${plural(count, 'partition')} (0-${count - 1}); there is no partition ${p}.`);
    for (let p = 0; p < count; p++) if (only.length === 0 || only.includes(p)) out.push({ topic, partition: p });
  }
  return out;
}

interface LoopParts {
  reader: LogReader;
  source: PositionSource;
  formatter: RecordFormatter;
  limit: number;
  exitAtEnd: boolean;
  stop: StopSignal;
  commit: ((positions: { topic: string; partition: number; offset: bigint }[]) => Promise<void>) | undefined;
}

async function readLoop(parts: LoopParts): Promise<void> {
  let printed = 0;
  // Partitions committed at least once. A newly assigned partition gets its starting position
  // committed even before it yields records, so `group describe` shows its lag (as Kafka's
  // consumers do by committing their position).
  const committedOnce = new Set<string>();
  while (!parts.stop.requested && printed < parts.limit) {
    const positions = await parts.source.current();
    if (positions.size === 0) {
      // A group member without partitions (more members than partitions) has nothing to read.
      if (parts.exitAtEnd) return;
      await parts.stop.wait(500);
      continue;
    }
    const round = await parts.reader.fetch([...positions.values()]);
    if (round.offsetOutOfRange) {
      await parts.source.reset();
      continue;
    }
    let out = '';
    const moved = new Set<string>();
    for (const r of round.records) {
      if (printed >= parts.limit) break;
      const key = `${r.topic}:${r.partition}`;
      const position = positions.get(key);
      if (!position || r.offset < position.offset) continue;
      out += parts.formatter(r);
      position.offset = r.offset + 1n;
      moved.add(key);
      printed++;
    }
    if (out) await writeOut(out);
    for (const key of positions.keys()) if (!committedOnce.has(key)) moved.add(key);
    if (parts.commit && moved.size > 0) {
      await parts.commit([...moved].map((k) => positions.get(k)!));
      for (const key of moved) committedOnce.add(key);
    }
    if (parts.exitAtEnd && [...positions].every(([k, p]) => p.offset >= (round.highWatermarks.get(k) ?? p.offset))) return;
  }
}

function commitTo(consumer: Consumer) {
  return async (positions: { topic: string; partition: number; offset: bigint }[]): Promise<void> => {
    try {
      await consumer.commit({ offsets: positions.map((p) => ({ ...p, leaderEpoch: -1 })) });
    } catch (e) {
      // During a rebalance the commit is refused; the records stay uncommitted and the next
      // owner of the partition reads them again (at-least-once, as any Kafka consumer).
      const name = kafkaErrorName(e);
      if (name !== 'REBALANCE_IN_PROGRESS' && name !== 'ILLEGAL_GENERATION' && name !== 'UNKNOWN_MEMBER_ID') throw e;
    }
  };
}

function writeOut(text: string): Promise<void> {
  if (process.stdout.write(text)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

async function closeQuietly(consumer: Consumer, admin: Admin): Promise<void> {
  // Closing a group member leaves the group, so the group is Empty (and seekable) at once.
  await Promise.all([consumer.close().catch(() => undefined), admin.close().catch(() => undefined)]);
}

/** Ctrl-C (SIGINT) and SIGTERM end the loop after the current round, so offsets get committed. */
class StopSignal {
  requested = false;
  private wake: (() => void) | undefined;
  private readonly onSignal = (): void => {
    if (this.requested) process.exit(130); // a second Ctrl-C: stop now
    this.requested = true;
    this.wake?.();
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    // A closed pipe (`brook consume t | head`) is a normal way to stop reading.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
    });
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  dispose(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
  }
}
