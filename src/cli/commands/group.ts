// `brook group list|describe|seek|delete`: consumer groups over the Kafka admin APIs.
import type { Command } from 'commander';
import { renderTable } from '../format/table.js';
import { addBrokersOption, collect, runClientCommand, withAdmin, type BrokersFlag } from './client-command.js';
import { describeGroup, kafkaStateName, loadGroup } from './group-describe.js';
import { seekGroup } from './group-seek.js';
import { describeShareGroupText } from './group-describe-share.js';
import { describeConsumerGroupText } from './group-describe-consumer.js';

interface SeekFlags extends BrokersFlag {
  to?: string;
  topic?: string[];
  dryRun?: boolean;
}

export function registerGroup(program: Command): void {
  const group = program
    .command('group')
    .description('List, describe, reset and delete consumer groups.')
    .addHelpText('after', '\nExamples:\n  brook group list\n  brook group describe billing\n  brook group seek billing --to earliest --dry-run\n');

  addBrokersOption(
    group
      .command('list')
      .alias('ls')
      .description('List consumer groups and their states.')
      .addHelpText('after', '\nExample:\n  brook group list\n'),
  ).action((flags: BrokersFlag) =>
    runClientCommand('group list', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        // Every kind: classic, KIP-848 consumer and share (KIP-932) groups.
        const groups = [...(await admin.listGroups({ types: ['classic', 'consumer', 'share'] })).values()].sort((a, b) => a.id.localeCompare(b.id));
        ctx.write(renderTable(['GROUP', 'TYPE', 'STATE', 'PROTOCOL-TYPE'], groups.map((g) => [g.id, g.groupType || 'classic', kafkaStateName(g.state), g.protocolType || '-']), ctx.style));
      }),
    ),
  );

  addBrokersOption(
    group
      .command('describe')
      .argument('<group>', 'the group to describe')
      .description("Show a group's members, their assignment and the lag of every partition.")
      .addHelpText('after', '\nExample:\n  brook group describe billing\n'),
  ).action((groupId: string, flags: BrokersFlag) =>
    runClientCommand('group describe', flags, (ctx) =>
      withAdmin(ctx, async (admin) =>
        ctx.write((await describeConsumerGroupText(admin, groupId, ctx.style)) ?? (await describeShareGroupText(admin, groupId, ctx.style)) ?? (await describeGroup(admin, groupId, ctx.style))),
      ),
    ),
  );

  addBrokersOption(
    group
      .command('seek')
      .argument('<group>', 'the group whose offsets to move')
      .description('Reset the committed offsets of a group that has no active members.')
      .requiredOption('--to <where>', 'earliest, latest, an offset, -<n> (n before the end), or a time: @<ms>, @<ISO date> or an ISO date')
      .option('-t, --topic <topic>', 'seek every partition of this topic, repeatable (default: the partitions the group has committed)', collect)
      .option('--dry-run', 'show the new offsets without changing anything')
      .addHelpText(
        'after',
        [
          '',
          'Examples:',
          '  brook group seek billing --to earliest --dry-run',
          '  brook group seek billing --to latest',
          '  brook group seek billing --to 2024-05-01T00:00:00Z --topic orders',
          '  brook group seek billing --to 1500 --topic orders',
          '',
        ].join('\n'),
      ),
  ).action((groupId: string, flags: SeekFlags) =>
    runClientCommand('group seek', flags, (ctx) =>
      withAdmin(ctx, async (admin) =>
        ctx.write(await seekGroup(admin, { groupId, to: flags.to ?? 'earliest', topics: flags.topic ?? [], dryRun: flags.dryRun === true }, ctx.style)),
      ),
    ),
  );

  addBrokersOption(
    group
      .command('delete')
      .alias('rm')
      .argument('<groups...>', 'the groups to delete')
      .description('Delete groups that have no active members, with their committed offsets.')
      .addHelpText('after', '\nExample:\n  brook group delete billing\n'),
  ).action((groupIds: string[], flags: BrokersFlag) =>
    runClientCommand('group delete', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        for (const id of groupIds) if (!(await describeShareGroupText(admin, id, ctx.style))) await loadGroup(admin, id); // "Unknown group" before deleting any
        await admin.deleteGroups({ groups: groupIds });
        ctx.write(renderTable(['GROUP', 'STATUS'], groupIds.map((g) => [g, 'deleted']), ctx.style));
      }),
    ),
  );
}
