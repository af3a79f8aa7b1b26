// `brook acl add|list|remove`: Kafka ACLs through CreateAcls / DescribeAcls / DeleteAcls, with flags
// shaped like kafka-acls.sh (--principal User:alice --operation read --topic orders [--prefixed]
// [--deny] [--host 10.0.0.1]). Works against Apache Kafka too.
import type { Command } from 'commander';
import { renderTable } from '../format/table.js';
import { addBrokersOption, collect, runClientCommand, withAdmin, type BrokersFlag } from './client-command.js';
import { UsageError } from './start-options.js';

const RESOURCE = { any: 1, topic: 2, group: 3, cluster: 4, 'transactional-id': 5 } as const;
const PATTERN = { any: 1, match: 2, literal: 3, prefixed: 4 } as const;
const OPERATION: Record<string, number> = { any: 1, all: 2, read: 3, write: 4, create: 5, delete: 6, alter: 7, describe: 8, 'cluster-action': 9, 'describe-configs': 10, 'alter-configs': 11, 'idempotent-write': 12 };
const PERMISSION = { any: 1, deny: 2, allow: 3 } as const;
const nameOf = (table: Record<string, number>, code: number): string => Object.entries(table).find(([, c]) => c === code)?.[0] ?? String(code);

interface AclFlags extends BrokersFlag {
  principal?: string;
  operation?: string[];
  topic?: string;
  group?: string;
  transactionalId?: string;
  cluster?: boolean;
  prefixed?: boolean;
  deny?: boolean;
  host?: string;
}

function resourceOf(flags: AclFlags, required: boolean): { resourceType: number; resourceName: string | null } {
  const given = [
    flags.topic !== undefined ? { resourceType: RESOURCE.topic, resourceName: flags.topic } : null,
    flags.group !== undefined ? { resourceType: RESOURCE.group, resourceName: flags.group } : null,
    flags.transactionalId !== undefined ? { resourceType: RESOURCE['transactional-id'], resourceName: flags.transactionalId } : null,
    flags.cluster ? { resourceType: RESOURCE.cluster, resourceName: 'kafka-cluster' } : null,
  ].filter((x) => x !== null);
  if (given.length > 1) throw new UsageError('give one of --topic, --group, --transactional-id, --cluster.');
  if (given.length === 0) {
    if (required) throw new UsageError('give the resource: --topic, --group, --transactional-id or --cluster.');
    return { resourceType: RESOURCE.any, resourceName: null };
  }
  return given[0]!;
}

function operationsOf(flags: AclFlags, required: boolean): number[] {
  const ops = (flags.operation ?? []).map((o) => {
    const code = OPERATION[o.toLowerCase().replaceAll('_', '-')];
    if (code === undefined || code === 1) throw new UsageError(`--operation must be one of ${Object.keys(OPERATION).filter((k) => k !== 'any').join(', ')}, not "${o}".`);
    return code;
  });
  if (ops.length === 0 && required) throw new UsageError('give at least one --operation.');
  return ops.length === 0 ? [OPERATION.any!] : ops;
}

function principalOf(flags: AclFlags, required: boolean): string | null {
  if (flags.principal === undefined) {
    if (required) throw new UsageError('give --principal (User:<name>, or User:* for everyone).');
    return null;
  }
  if (!/^[^:]+:.+$/.test(flags.principal)) throw new UsageError(`--principal must be Type:name such as User:alice, not "${flags.principal}".`);
  return flags.principal;
}

function options(command: Command): Command {
  return addBrokersOption(
    command
      .option('--principal <principal>', 'User:<name>, or User:* for everyone')
      .option('--operation <op>', 'read, write, create, delete, alter, describe, describe-configs, alter-configs, idempotent-write, cluster-action, all (repeatable)', collect)
      .option('--topic <name>', 'a topic (or a prefix with --prefixed; * for every topic)')
      .option('--group <id>', 'a consumer group')
      .option('--transactional-id <id>', 'a transactional id')
      .option('--cluster', 'the cluster itself')
      .option('--prefixed', 'the name is a prefix (PREFIXED pattern)')
      .option('--deny', 'a DENY rule (default: ALLOW)')
      .option('--host <host>', 'client address the rule applies to', '*'),
  );
}

export function registerAcl(program: Command): void {
  const acl = program.command('acl').description('Manage ACLs (who may do what on which topic, group, transactional id or the cluster).');
  options(acl.command('add').description('Add ACL rules (one per operation).'))
    .addHelpText('after', '\nExamples:\n  brook acl add --principal User:alice --operation read --operation describe --topic orders\n  brook acl add --principal User:etl --operation write --topic logs- --prefixed\n  brook acl add --principal User:alice --operation read --group billing\n')
    .action((flags: AclFlags) =>
      runClientCommand('acl add', flags, async (ctx) => {
        const { resourceType, resourceName } = resourceOf(flags, true);
        const principal = principalOf(flags, true)!;
        const creations = operationsOf(flags, true).map((operation) => ({
          resourceType,
          resourceName: resourceName!,
          resourcePatternType: flags.prefixed ? PATTERN.prefixed : PATTERN.literal,
          principal,
          host: flags.host ?? '*',
          operation,
          permissionType: flags.deny ? PERMISSION.deny : PERMISSION.allow,
        }));
        await withAdmin(ctx, (admin) => admin.createAcls({ creations: creations as Parameters<typeof admin.createAcls>[0]['creations'] }));
        ctx.write(`Added ${creations.length} ACL rule(s).\n`);
      }),
    );
  options(acl.command('list').description('List ACL rules (all, or those matching the flags).')).action((flags: AclFlags) =>
    runClientCommand('acl list', flags, async (ctx) => {
      const { resourceType, resourceName } = resourceOf(flags, false);
      const filter = {
        resourceType,
        resourceName,
        resourcePatternType: flags.prefixed ? PATTERN.prefixed : resourceName === null ? PATTERN.any : PATTERN.match,
        principal: principalOf(flags, false),
        host: flags.host === '*' ? null : (flags.host ?? null),
        operation: operationsOf(flags, false)[0]!,
        permissionType: flags.deny ? PERMISSION.deny : PERMISSION.any,
      };
      const resources = await withAdmin(ctx, (admin) => admin.describeAcls({ filter: filter as Parameters<typeof admin.describeAcls>[0]['filter'] }));
      const rows = resources.flatMap((r) =>
        r.acls.map((a) => [nameOf(RESOURCE, r.resourceType), r.resourceName, nameOf(PATTERN, r.resourcePatternType), a.principal, a.host, nameOf(OPERATION, a.operation), nameOf(PERMISSION, a.permissionType)]),
      );
      ctx.write(renderTable(['RESOURCE', 'NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'], rows, ctx.style));
    }),
  );
  options(acl.command('remove').description('Remove the ACL rules matching the flags (resource required).')).action((flags: AclFlags) =>
    runClientCommand('acl remove', flags, async (ctx) => {
      const { resourceType, resourceName } = resourceOf(flags, true);
      const filters = operationsOf(flags, false).map((operation) => ({
        resourceType,
        resourceName,
        resourcePatternType: flags.prefixed ? PATTERN.prefixed : PATTERN.literal,
        principal: principalOf(flags, false),
        host: flags.host === '*' && flags.principal === undefined ? null : (flags.host ?? null),
        operation,
        permissionType: flags.deny ? PERMISSION.deny : PERMISSION.any,
      }));
      const removed = await withAdmin(ctx, (admin) => admin.deleteAcls({ filters: filters as Parameters<typeof admin.deleteAcls>[0]['filters'] }));
      ctx.write(`Removed ${removed.length} ACL rule(s).\n`);
    }),
  );
}
