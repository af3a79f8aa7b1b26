// `brook quota set|list|remove`: Kafka client quotas through AlterClientQuotas / DescribeClientQuotas
// (KIP-546), as kafka-configs.sh --entity-type users|clients|ips sets them, so it works against
// Apache Kafka too. An entity is --user and/or --client-id, or --ip; --default-user,
// --default-client-id and --default-ip name the defaults ("<default>" in kafka-configs).
//   brook quota set --user alice producer_byte_rate=1048576 consumer_byte_rate=2097152
//   brook quota set --default-ip connection_creation_rate=10
//   brook quota list [--user alice]
//   brook quota remove --user alice producer_byte_rate
import type { Command } from 'commander';
import { alterClientQuotas, describeClientQuotas, type QuotaEntityPart } from '../../client/index.js';
import { renderTable } from '../format/table.js';
import { addBrokersOption, runClientCommand, withAdmin, type BrokersFlag } from './client-command.js';
import { UsageError } from './start-options.js';

interface EntityFlags extends BrokersFlag {
  user?: string;
  clientId?: string;
  ip?: string;
  defaultUser?: boolean;
  defaultClientId?: boolean;
  defaultIp?: boolean;
}

interface ListFlags extends EntityFlags {
  strict?: boolean;
}

const KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate', 'connection_creation_rate'];

function part(type: string, name: string | undefined, isDefault: boolean | undefined, flag: string): QuotaEntityPart[] {
  if (name !== undefined && isDefault) throw new UsageError(`give --${flag} or --default-${flag}, not both.`);
  if (isDefault) return [{ entityType: type, entityName: null }];
  if (name !== undefined) return [{ entityType: type, entityName: name }];
  return [];
}

function entityOf(flags: EntityFlags): QuotaEntityPart[] {
  const entity = [...part('user', flags.user, flags.defaultUser, 'user'), ...part('client-id', flags.clientId, flags.defaultClientId, 'client-id'), ...part('ip', flags.ip, flags.defaultIp, 'ip')];
  if (entity.length === 0) throw new UsageError('name the entity: --user and/or --client-id, or --ip (or their --default-* forms).');
  return entity;
}

function withEntityFlags(cmd: Command): Command {
  return cmd
    .option('--user <name>', 'the user (principal name, e.g. alice for User:alice)')
    .option('--default-user', 'the default for users without their own quota')
    .option('--client-id <id>', 'the client id')
    .option('--default-client-id', 'the default for client ids without their own quota')
    .option('--ip <address>', 'the client IP address (connection_creation_rate only)')
    .option('--default-ip', 'the default for IP addresses without their own quota');
}

function parseAssignment(text: string): [string, number] {
  const m = /^([a-z_]+)=(.+)$/.exec(text);
  const value = Number(m?.[2]);
  if (!m || !Number.isFinite(value)) throw new UsageError(`quota values are key=number (${KEYS.join(', ')}), not "${text}".`);
  return [m[1]!, value];
}

const describeEntity = (entity: QuotaEntityPart[]): string => entity.map((p) => `${p.entityType}=${p.entityName ?? '<default>'}`).join(',');

export function registerQuota(program: Command): void {
  const quota = program.command('quota').description('Manage client quotas: byte rates, request percentage, connection rates.');
  addBrokersOption(
    withEntityFlags(quota.command('set').argument('<key=value...>', `quotas to set: ${KEYS.join(', ')}`).description('Set quotas of a user, client id, (user, client id) or IP.'))
      .option('--validate-only', 'check the change without applying it')
      .addHelpText('after', '\nExamples:\n  brook quota set --user alice producer_byte_rate=1048576\n  brook quota set --default-user --client-id reporting consumer_byte_rate=524288\n  brook quota set --default-ip connection_creation_rate=20\n'),
  ).action((assignments: string[], flags: EntityFlags & { validateOnly?: boolean }) =>
    runClientCommand('quota set', flags, async (ctx) => {
      const entity = entityOf(flags);
      const ops = Object.fromEntries(assignments.map(parseAssignment));
      await withAdmin(ctx, (admin) => alterClientQuotas(admin, entity, ops, flags.validateOnly === true));
      ctx.write(`${flags.validateOnly ? 'Valid' : 'Saved'}: ${describeEntity(entity)} ${Object.entries(ops).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
    }),
  );
  addBrokersOption(
    withEntityFlags(quota.command('list').description('List quotas; the entity flags filter (only entities with exactly those types with --strict).')).option('--strict', 'only entities with exactly the given types'),
  ).action((flags: ListFlags) =>
    runClientCommand('quota list', flags, async (ctx) => {
      const given = [...part('user', flags.user, flags.defaultUser, 'user'), ...part('client-id', flags.clientId, flags.defaultClientId, 'client-id'), ...part('ip', flags.ip, flags.defaultIp, 'ip')];
      const filter = given.map((p) => ({ entityType: p.entityType, match: p.entityName }));
      const entries = await withAdmin(ctx, (admin) => describeClientQuotas(admin, filter, flags.strict === true));
      const name = (e: QuotaEntityPart[], type: string): string => {
        const p = e.find((x) => x.entityType === type);
        return p === undefined ? '' : (p.entityName ?? '<default>');
      };
      const rows = entries
        .flatMap((e) => e.values.map((v) => [name(e.entity, 'user'), name(e.entity, 'client-id'), name(e.entity, 'ip'), v.key, v.value]))
        .sort((a, b) => String(a.slice(0, 4)).localeCompare(String(b.slice(0, 4))));
      ctx.write(renderTable(['USER', 'CLIENT-ID', 'IP', 'QUOTA', 'VALUE'], rows, ctx.style));
    }),
  );
  addBrokersOption(withEntityFlags(quota.command('remove').argument('<key...>', 'quota keys to remove').description('Remove quotas of an entity.'))).action((keys: string[], flags: EntityFlags) =>
    runClientCommand('quota remove', flags, async (ctx) => {
      const entity = entityOf(flags);
      await withAdmin(ctx, (admin) => alterClientQuotas(admin, entity, Object.fromEntries(keys.map((k) => [k, null]))));
      ctx.write(`Removed: ${describeEntity(entity)} ${keys.join(' ')}\n`);
    }),
  );
}
