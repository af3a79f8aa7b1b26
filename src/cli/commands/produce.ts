// `brook produce TOPIC`: records from stdin, one per line (or one JSON object per line). Each line
// is sent within a few milliseconds of being read (LingeringSender), batched with whatever else
// arrived meanwhile, so typing at a terminal, `tail -f | brook produce` and a million-line file all
// behave. Ctrl+C (or SIGTERM) ends the input: what was read is sent, then the summary printed.
// A missing topic is created only if the broker auto-creates topics (auto.create.topics.enable),
// exactly as for any Kafka producer; otherwise the command names the topic and stops.
import { createInterface, type Interface } from 'node:readline';
import type { Command } from 'commander';
import { createAdmin, createProducer, type MessageToProduce } from '../../client/index.js';
import { UsageError } from './start-options.js';
import { addBrokersOption, collect, parseKeyValues, parseWhole, runClientCommand, type BrokersFlag } from './client-command.js';
import { InputLineError, parseInputFormat, parseLine, type LineOptions } from './produce-input.js';
import { ProduceProgress } from './produce-progress.js';
import { LingeringSender } from './produce-sender.js';
import { plural } from '../format/table.js';
import { topicsForProduce } from './topic-lookup.js';
import { ClientFacingError } from '../../client/index.js';

interface ProduceFlags extends BrokersFlag {
  keySeparator?: string;
  header?: string[];
  partition?: string;
  format?: string;
  nullLiteral?: string;
  acks?: string;
  compression?: string;
  quiet?: boolean;
}

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
type Compression = (typeof COMPRESSIONS)[number];

export function registerProduce(program: Command): void {
  addBrokersOption(
    program
      .command('produce')
      .argument('<topic>', 'the topic to write to')
      .description(
        'Produce records read from stdin, one per line; each line is sent within milliseconds. Ctrl+C or the end of input sends what was read and prints a summary. ' +
          "A topic that does not exist is created only when the broker's auto.create.topics.enable is true (the Kafka default), as for any producer.",
      )
      .option('-k, --key-separator <sep>', 'split each line into key and value at the first <sep>')
      .option('-H, --header <key=value>', 'a header added to every record, repeatable', collect)
      .option('-p, --partition <n>', 'write every record to this partition (default: by key, or spread)')
      .option('-f, --format <format>', 'text (one value per line) or json (one {"key","value","headers","partition"} object per line; "value": null is a tombstone)', 'text')
      .option('--null-literal <text>', 'text format: a key or value equal to <text> is sent as null (a value: a tombstone), e.g. --null-literal null')
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
          '  tail -f app.log | brook produce logs                   # each new line is sent as it is written',
          '  echo \'{"key":"user-1","value":null}\' | brook produce users --format json   # a tombstone for user-1',
          '  echo "user-1:NULL" | brook produce users -k : --null-literal NULL             # the same in the text format',
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
        ...(flags.nullLiteral !== undefined ? { nullLiteral: flags.nullLiteral } : {}),
        ...(flags.partition !== undefined ? { partition: parseWhole('--partition', flags.partition) } : {}),
      };
      const admin = createAdmin(ctx.client);
      const partitions = await topicsForProduce(admin, [topic]).finally(() => admin.close().catch(() => undefined));
      const count = partitions.get(topic) ?? 0;
      if (lineOptions.partition !== undefined && lineOptions.partition >= count) {
        throw new ClientFacingError(`Topic "${topic}" has ${plural(count, 'partition')} (0-${count - 1}); there is no partition ${lineOptions.partition}.`);
      }
      const producer = createProducer(ctx.client, { acks, compression });
      // The live line is drawn only when nobody types: on a terminal stdin, redrawing stderr would overwrite the
      // line being typed.
      const showLive = process.stderr.isTTY === true && process.stdin.isTTY !== true && flags.quiet !== true;
      const progress = new ProduceProgress(showLive ? process.stderr : undefined);
      const sender = new LingeringSender<MessageToProduce>({ send: (batch) => producer.send({ messages: batch }), sent: (n, bytes) => progress.add(n, bytes) });
      const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
      const interrupt = new InputInterrupt(input);
      try {
        await produceLines(topic, lineOptions, count, input, sender);
      } finally {
        interrupt.dispose();
        progress.stop();
        await producer.close().catch(() => undefined);
      }
      if (flags.quiet !== true) ctx.write(progress.summary(topic));
    }),
  );
}

/**
 * Ctrl+C (SIGINT) or SIGTERM while reading: stop reading, so what was read is still sent and summarised. A second
 * signal exits at once (status 130), for a broker that does not answer.
 */
class InputInterrupt {
  private interrupted = false;
  private readonly onSignal = (): void => {
    if (this.interrupted) process.exit(130);
    this.interrupted = true;
    // The terminal echoed "^C" after whatever was typed: start the summary on a line of its own.
    if (process.stdin.isTTY === true) process.stderr.write('\n');
    this.input.close();
  };

  constructor(private readonly input: Interface) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  dispose(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
  }
}

async function produceLines(topic: string, options: LineOptions, partitionCount: number, input: Interface, sender: LingeringSender<MessageToProduce>): Promise<void> {
  let lineNumber = 0;
  for await (const line of input) {
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
    // A null value (a tombstone) or header value goes on the wire as length -1; the client writes null as is.
    const message: MessageToProduce = { topic, value: draft.value as Buffer, headers: draft.headers as Map<Buffer, Buffer> };
    if (draft.key !== undefined) message.key = draft.key;
    if (draft.partition !== undefined) message.partition = draft.partition;
    await sender.add(message, (draft.value?.length ?? 0) + (draft.key?.length ?? 0));
  }
  await sender.drain();
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
