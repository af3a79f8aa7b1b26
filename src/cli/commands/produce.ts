// `brook produce TOPIC`: records from stdin, one per line (or one JSON object per line), sent
// in batches — one Produce request per batch of lines, never one per line — so large inputs
// move at the broker's speed. Prints a summary; on a terminal, a live progress line too.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { createAdmin, createProducer, type MessageToProduce } from '../../client/index.js';
import { UsageError } from './start-options.js';
import { addBrokersOption, collect, parseKeyValues, parseWhole, runClientCommand, type BrokersFlag } from './client-command.js';
import { InputLineError, parseInputFormat, parseLine, type LineOptions } from './produce-input.js';
import { ProduceProgress } from './produce-progress.js';
import { requireTopics } from './topic-lookup.js';
import { ClientFacingError } from '../../client/index.js';

interface ProduceFlags extends BrokersFlag {
  keySeparator?: string;
  header?: string[];
  partition?: string;
  format?: string;
  acks?: string;
  compression?: string;
  quiet?: boolean;
}

const BATCH_RECORDS = 2000;
const BATCH_BYTES = 1024 * 1024;
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
type Compression = (typeof COMPRESSIONS)[number];

export function registerProduce(program: Command): void {
  addBrokersOption(
    program
      .command('produce')
      .argument('<topic>', 'the topic to write to')
      .description('Produce records read from stdin, one per line.')
      .option('-k, --key-separator <sep>', 'split each line into key and value at the first <sep>')
      .option('-H, --header <key=value>', 'a header added to every record, repeatable', collect)
      .option('-p, --partition <n>', 'write every record to this partition (default: by key, or spread)')
      .option('-f, --format <format>', 'text (one value per line) or json (one {"key","value","headers","partition"} object per line)', 'text')
      .option('--acks <acks>', 'all (or -1), 1 or 0', 'all')
      .option('-z, --compression <codec>', `${COMPRESSIONS.join(', ')}`, 'none')
      .option('-q, --quiet', 'print no summary')
      .addHelpText(
        'after',
        [
          '',
          'Examples:',
          '  echo "hello" | brook produce greetings',
          '  printf "user-1:signed up\\nuser-2:logged in\\n" | brook produce events --key-separator :',
          '  brook produce events --format json < events.jsonl     # {"key":"k","value":"v","headers":{"h":"1"}}',
          '  seq 1000000 | brook produce numbers --compression zstd --acks 1',
          '',
        ].join('\n'),
      ),
  ).action((topic: string, flags: ProduceFlags) =>
    runClientCommand('produce', flags, async (ctx) => {
      const acks = parseAcks(flags.acks ?? 'all');
      const compression = parseCompression(flags.compression ?? 'none');
      const lineOptions: LineOptions = {
        format: parseInputFormat(flags.format),
        headers: Object.entries(parseKeyValues('--header', flags.header ?? [])),
        ...(flags.keySeparator !== undefined ? { keySeparator: flags.keySeparator } : {}),
        ...(flags.partition !== undefined ? { partition: parseWhole('--partition', flags.partition) } : {}),
      };
      const admin = createAdmin(ctx.client);
      const partitions = await requireTopics(admin, [topic]).finally(() => admin.close().catch(() => undefined));
      const count = partitions.get(topic) ?? 0;
      if (lineOptions.partition !== undefined && lineOptions.partition >= count) {
        throw new ClientFacingError(`Topic "${topic}" has ${count} partitions (0-${count - 1}); there is no partition ${lineOptions.partition}.`);
      }
      const producer = createProducer(ctx.client, { acks, compression });
      const progress = new ProduceProgress(process.stderr.isTTY === true && flags.quiet !== true ? process.stderr : undefined);
      try {
        await produceLines(topic, lineOptions, count, (batch) => producer.send({ messages: batch }), progress);
      } finally {
        progress.stop();
        await producer.close().catch(() => undefined);
      }
      if (flags.quiet !== true) ctx.write(progress.summary(topic));
    }),
  );
}

async function produceLines(
  topic: string,
  options: LineOptions,
  partitionCount: number,
  send: (batch: MessageToProduce[]) => Promise<unknown>,
  progress: ProduceProgress,
): Promise<void> {
  let batch: MessageToProduce[] = [];
  let batchBytes = 0;
  let lineNumber = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const sending = batch;
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    await send(sending);
    progress.add(sending.length, bytes);
  };
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    let draft;
    try {
      draft = parseLine(line, lineNumber, options);
    } catch (e) {
      if (e instanceof InputLineError) throw new ClientFacingError(e.message);
      throw e;
    }
    if (draft.partition !== undefined && draft.partition >= partitionCount) {
      throw new ClientFacingError(`Line ${lineNumber}: topic "${topic}" has no partition ${draft.partition}.`);
    }
    const message: MessageToProduce = { topic, value: draft.value, headers: draft.headers };
    if (draft.key !== undefined) message.key = draft.key;
    if (draft.partition !== undefined) message.partition = draft.partition;
    batch.push(message);
    batchBytes += draft.value.length + (draft.key?.length ?? 0);
    if (batch.length >= BATCH_RECORDS || batchBytes >= BATCH_BYTES) await flush();
  }
  await flush();
}

function parseAcks(text: string): number {
  if (text === 'all' || text === '-1') return -1;
  if (text === '0' || text === '1') return Number(text);
  throw new UsageError(`--acks must be all, -1, 0 or 1, not "${text}".`);
}

function parseCompression(text: string): Compression {
  const found = COMPRESSIONS.find((c) => c === text);
  if (found === undefined) throw new UsageError(`--compression must be one of ${COMPRESSIONS.join(', ')}, not "${text}".`);
  return found;
}
