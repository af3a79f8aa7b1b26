// `brook cluster info`: the cluster id, controller, brokers and topic count, from Metadata.
import type { Command } from 'commander';
import { renderFields, renderTable } from '../format/table.js';
import { addBrokersOption, runClientCommand, withAdmin, type BrokersFlag } from './client-command.js';

export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('Inspect the cluster.');
  addBrokersOption(
    cluster
      .command('info')
      .description('Show the cluster id, the controller and every broker.')
      .addHelpText('after', '\nExamples:\n  brook cluster info\n  BROOK_BROKERS=kafka-1:9092 brook cluster info\n'),
  ).action((flags: BrokersFlag) =>
    runClientCommand('cluster info', flags, (ctx) =>
      withAdmin(ctx, async (admin) => {
        const topics = await admin.listTopics({ includeInternals: true });
        const metadata = await admin.metadata({ topics: [], forceUpdate: true });
        ctx.write(
          renderFields(
            [
              ['Cluster ID', metadata.id],
              ['Controller', metadata.controllerId],
              ['Brokers', metadata.brokers.size],
              ['Topics', topics.filter((t) => !t.startsWith('__')).length],
            ],
            ctx.style,
          ),
        );
        const rows = [...metadata.brokers].sort(([a], [b]) => a - b).map(([id, b]) => [id === metadata.controllerId ? `${id}*` : id, b.host, b.port, b.rack]);
        ctx.write('\n' + renderTable(['ID', 'HOST', 'PORT', 'RACK'], rows, ctx.style));
      }),
    ),
  );
}
