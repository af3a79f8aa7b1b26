// `brook topic create|list|describe|alter-config|add-partitions|delete`, over the Kafka admin
// APIs so it works the same against Brook, Apache Kafka or Redpanda.
import type { Command } from 'commander';
import { topicLayouts } from '../../client/index.js';
import { plural, renderTable } from '../format/table.js';
import { UsageError } from './start-options.js';
import { addBrokersOption, collect, parseKeyValues, parseWhole, runClientCommand, withAdmin, type BrokersFlag } from './client-command.js';
import { describeTopic } from './topic-describe.js';
import { requireTopics } from './topic-lookup.js';

const TOPIC_RESOURCE = 2;
// IncrementalAlterConfigs operation types (KIP-339).
const OP_SET = 0 as const;
const OP_DELETE = 1 as const;

interface CreateFlags extends BrokersFlag {
  partitions?: string;
  replicas?: string;
  config?: string[];
}

interface AlterFlags extends BrokersFlag {
  set?: string[];
  delete?: string[];
}

export function registerTopic(program: Command): void {
  const topic = program
    .command('topic')
    .description('Create, list, describe, change and delete topics.')
    .addHelpText('after', '\nExamples:\n  brook topic create orders -p 3\n  brook topic list\n  brook topic describe orders\n');

  addBrokersOption(
    topic
      .command('create')
      .argument('<topics...>', 'names of the topics to create')
      .description('Create one or more topics.')
      .option('-p, --partitions <n>', "partitions per topic (default: the broker's num.partitions)")
      .option('-r, --replicas <n>', "replication factor (default: the broker's default)")
      .option('-c, --config <key=value>', 'a topic config, repeatable (e.g. retention.ms=86400000)', collect)
      .addHelpText('after', '\nExamples:\n  brook topic create orders -p 3\n  brook topic create audit -c cleanup.policy=compact -c retention.ms=-1\n'),
  ).action((names: string[], flags: CreateFlags) =>
    runClientCommand('topic create', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        const partitions = flags.partitions === undefined ? -1 : parseWhole('--partitions', flags.partitions, 1);
        const replicas = flags.replicas === undefined ? -1 : parseWhole('--replicas', flags.replicas, 1);
        const configs = Object.entries(parseKeyValues('--config', flags.config ?? [])).map(([name, value]) => ({ name, value }));
        const created = await admin.createTopics({ topics: names, partitions, replicas, configs });
        ctx.write(renderTable(['TOPIC', 'PARTITIONS', 'STATUS'], created.map((t) => [t.name, t.partitions, 'created']), ctx.style));
      }),
    ),
  );

  addBrokersOption(
    topic
      .command('list')
      .alias('ls')
      .description('List topics with their partition and replica counts.')
      .option('-i, --internal', 'include internal topics such as __consumer_offsets')
      .addHelpText('after', '\nExamples:\n  brook topic list\n  brook topic list --internal --brokers localhost:19092\n'),
  ).action((flags: BrokersFlag & { internal?: boolean }) =>
    runClientCommand('topic list', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        const names = (await admin.listTopics({ includeInternals: flags.internal === true })).sort();
        const layouts = await topicLayouts(admin, names);
        const rows = names.map((n) => {
          const t = layouts.get(n);
          return [n, t?.partitions, t?.replicas];
        });
        ctx.write(renderTable(['NAME', 'PARTITIONS', 'REPLICAS'], rows, ctx.style));
      }),
    ),
  );

  addBrokersOption(
    topic
      .command('describe')
      .argument('<topic>', 'the topic to describe')
      .description('Show partitions (log start and end offsets, size) and configs with their source.')
      .addHelpText('after', '\nExample:\n  brook topic describe orders\n'),
  ).action((name: string, flags: BrokersFlag) =>
    runClientCommand('topic describe', flags, (ctx) => withAdmin(ctx, async (admin) => ctx.write(await describeTopic(admin, name, ctx.style)))),
  );

  addBrokersOption(
    topic
      .command('alter-config')
      .argument('<topic>', 'the topic to change')
      .description('Set or remove topic configs (removed configs fall back to the broker default).')
      .option('-s, --set <key=value>', 'set a config, repeatable', collect)
      .option('-d, --delete <key>', 'remove a config override, repeatable', collect)
      .addHelpText('after', '\nExamples:\n  brook topic alter-config orders --set retention.ms=3600000\n  brook topic alter-config orders --delete retention.ms\n'),
  ).action((name: string, flags: AlterFlags) =>
    runClientCommand('topic alter-config', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        const sets = Object.entries(parseKeyValues('--set', flags.set ?? []));
        const deletes = flags.delete ?? [];
        if (sets.length === 0 && deletes.length === 0) throw new UsageError('Give at least one --set key=value or --delete key.');
        await requireTopics(admin, [name]);
        await admin.incrementalAlterConfigs({
          resources: [
            {
              resourceType: TOPIC_RESOURCE,
              resourceName: name,
              configs: [...sets.map(([n, value]) => ({ name: n, configOperation: OP_SET, value })), ...deletes.map((n) => ({ name: n, configOperation: OP_DELETE }))],
            },
          ],
        });
        const rows = [...sets.map(([n, v]) => [n, v, 'set']), ...deletes.map((n) => [n, '-', 'deleted'])];
        ctx.write(renderTable(['KEY', 'VALUE', 'STATUS'], rows, ctx.style));
      }),
    ),
  );

  addBrokersOption(
    topic
      .command('add-partitions')
      .argument('<topic>', 'the topic to grow')
      .description('Add partitions to a topic (partitions can be added, never removed).')
      .option('-n, --num <n>', 'how many partitions to add')
      .option('-t, --total <n>', 'the partition count the topic should end with')
      .addHelpText('after', '\nExamples:\n  brook topic add-partitions orders --num 2\n  brook topic add-partitions orders --total 6\n'),
  ).action((name: string, flags: BrokersFlag & { num?: string; total?: string }) =>
    runClientCommand('topic add-partitions', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        if ((flags.num === undefined) === (flags.total === undefined)) throw new UsageError('Give exactly one of --num (partitions to add) or --total (final count).');
        const current = (await requireTopics(admin, [name])).get(name) ?? 0;
        const total = flags.total !== undefined ? parseWhole('--total', flags.total, 1) : current + parseWhole('--num', flags.num!, 1);
        if (total <= current) throw new UsageError(`Topic "${name}" already has ${plural(current, 'partition')}; --total must be more than that, not ${total}.`);
        // No assignments at all (null on the wire): Kafka refuses an empty list when partitions are added.
        await admin.createPartitions({ topics: [{ name, count: total }] });
        ctx.write(renderTable(['TOPIC', 'PARTITIONS', 'STATUS'], [[name, total, `added ${total - current}`]], ctx.style));
      }),
    ),
  );

  addBrokersOption(
    topic
      .command('delete')
      .alias('rm')
      .argument('<topics...>', 'names of the topics to delete')
      .description('Delete topics and all their records.')
      .addHelpText('after', '\nExample:\n  brook topic delete orders audit\n'),
  ).action((names: string[], flags: BrokersFlag) =>
    runClientCommand('topic delete', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        await requireTopics(admin, names);
        await admin.deleteTopics({ topics: names });
        ctx.write(renderTable(['TOPIC', 'STATUS'], names.map((n) => [n, 'deleted']), ctx.style));
      }),
    ),
  );
}
