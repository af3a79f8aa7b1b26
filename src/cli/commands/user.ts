// `brook user create|list|delete`: SCRAM users (SASL SCRAM-SHA-256/512 and PLAIN) through the Kafka
// protocol (DescribeUserScramCredentials / AlterUserScramCredentials, KIP-554), so it works against
// Apache Kafka too. The password is salted in this process; only the salted form is sent.
// To create the first user of a broker whose every listener requires SASL, connect through a
// PLAINTEXT/SSL listener or as a super user (docs/security.md).
import type { Command } from 'commander';
import { ClientFacingError, deleteScramUser, listScramUsers, upsertScramUser, type ScramMechanismName } from '../../client/index.js';
import { renderTable } from '../format/table.js';
import { addBrokersOption, runClientCommand, withAdmin, type BrokersFlag } from './client-command.js';
import { UsageError } from './start-options.js';

const MECHANISMS: readonly ScramMechanismName[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

function mechanismsFrom(text: string | undefined): ScramMechanismName[] {
  if (text === undefined || text === 'both') return [...MECHANISMS];
  const upper = text.toUpperCase();
  if (!MECHANISMS.includes(upper as ScramMechanismName)) throw new UsageError(`--mechanism must be SCRAM-SHA-256, SCRAM-SHA-512 or both, not "${text}".`);
  return [upper as ScramMechanismName];
}

function iterationsFrom(text: string | undefined): number {
  const n = Number(text ?? '8192');
  if (!/^\d+$/.test(text ?? '8192') || n < 4096 || n > 16384) throw new UsageError(`--iterations must be a whole number from 4096 to 16384, not "${text ?? ''}".`);
  return n;
}

interface CreateFlags extends BrokersFlag {
  password?: string;
  mechanism?: string;
  iterations?: string;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('Manage SASL/SCRAM users (passwords are stored salted and hashed).');
  addBrokersOption(
    user
      .command('create')
      .argument('<name>', 'user name (its principal is User:<name>)')
      .description('Create a user, or set a new password for an existing one.')
      .option('--password <password>', 'the password [env BROOK_USER_PASSWORD]')
      .option('--mechanism <mechanism>', 'SCRAM-SHA-256, SCRAM-SHA-512 or both', 'both')
      .option('--iterations <n>', 'PBKDF2 iterations, 4096 to 16384', '8192')
      .addHelpText('after', '\nExamples:\n  brook user create alice --password s3cret\n  BROOK_USER_PASSWORD=s3cret brook user create alice --mechanism SCRAM-SHA-512\n'),
  ).action((name: string, flags: CreateFlags) =>
    runClientCommand('user create', flags, async (ctx) => {
      const password = flags.password ?? process.env.BROOK_USER_PASSWORD;
      if (password === undefined || password === '') throw new UsageError('give the password with --password or BROOK_USER_PASSWORD.');
      const mechanisms = mechanismsFrom(flags.mechanism);
      const iterations = iterationsFrom(flags.iterations);
      await withAdmin(ctx, (admin) => upsertScramUser(admin, name, password, mechanisms, iterations));
      ctx.write(`User ${name} saved (${mechanisms.join(', ')}, ${iterations} iterations).\n`);
    }),
  );
  addBrokersOption(user.command('list').description('List users with their SCRAM mechanisms and iteration counts.')).action((flags: BrokersFlag) =>
    runClientCommand('user list', flags, async (ctx) => {
      const users = await withAdmin(ctx, (admin) => listScramUsers(admin));
      const rows = users.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, c.iterations]));
      ctx.write(renderTable(['USER', 'MECHANISM', 'ITERATIONS'], rows, ctx.style));
    }),
  );
  addBrokersOption(
    user
      .command('delete')
      .argument('<name>', 'user name')
      .description("Delete a user's SCRAM credentials (every mechanism unless --mechanism).")
      .option('--mechanism <mechanism>', 'SCRAM-SHA-256, SCRAM-SHA-512 or both', 'both'),
  ).action((name: string, flags: BrokersFlag & { mechanism?: string }) =>
    runClientCommand('user delete', flags, async (ctx) => {
      const wanted = mechanismsFrom(flags.mechanism);
      const existing = await withAdmin(ctx, (admin) => listScramUsers(admin));
      const has = existing.find((u) => u.user === name)?.credentials.map((c) => c.mechanism) ?? [];
      const mechanisms = wanted.filter((m) => has.includes(m));
      if (mechanisms.length === 0) throw new ClientFacingError(`user ${name} has no ${wanted.join(' or ')} credential.`);
      await withAdmin(ctx, (admin) => deleteScramUser(admin, name, mechanisms));
      ctx.write(`User ${name}: ${mechanisms.join(', ')} deleted.\n`);
    }),
  );
}
