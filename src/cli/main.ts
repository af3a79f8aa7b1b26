#!/usr/bin/env node
// The `brook` command's entry point: builds the command tree and runs it. No logic lives here;
// each command is a module under commands/.
//
// Commands are loaded on demand: the Kafka client library compiles its validators when
// imported (~0.7 s) and the broker loads native codecs, so `brook start` must not pay for the
// client nor `brook topic list` for the broker. Only help (or an unknown command) loads all.
import { Command, type CommanderError } from 'commander';
import { packageInfo } from '../util/package-info.js';

const EXIT_USAGE = 2;

type Register = (program: Command) => void;
const COMMANDS: Record<string, () => Promise<Register>> = {
  start: async () => (await import('./commands/start.js')).registerStart,
  topic: async () => (await import('./commands/topic.js')).registerTopic,
  produce: async () => (await import('./commands/produce.js')).registerProduce,
  consume: async () => (await import('./commands/consume.js')).registerConsume,
  group: async () => (await import('./commands/group.js')).registerGroup,
  cluster: async () => (await import('./commands/cluster.js')).registerCluster,
  gateway: async () => (await import('./commands/gateway.js')).registerGateway,
  user: async () => (await import('./commands/user.js')).registerUser,
  acl: async () => (await import('./commands/acl.js')).registerAcl,
  quota: async () => (await import('./commands/quota.js')).registerQuota,
  sql: async () => (await import('./commands/sql.js')).registerSql,
};

export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name('brook')
    .description('Brook: a Kafka-compatible event streaming platform in one npm package.')
    .version(packageInfo.version, '-v, --version', 'print the Brook version')
    // Usage mistakes (unknown flag, missing value) exit 2, as configuration errors do.
    .exitOverride((err: CommanderError) => process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE))
    .addHelpText('after', '\nRun "brook <command> --help" for a command\'s flags and examples.\n');
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const versionOnly = named === undefined && argv.some((a) => a === '-v' || a === '--version');
  const wanted = versionOnly ? [] : named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(program);
  prefixErrors(program, 'brook');
  return program;
}

/**
 * Usage mistakes caught by the parser (unknown option or command, missing argument) are printed as every other
 * error is: "brook <command>: <sentence>", instead of the parser's bare "error: ...".
 */
function prefixErrors(command: Command, path: string): void {
  command.configureOutput({
    outputError: (text, write) => write(`${path}: ${text.replace(/^error: /, '')}`),
  });
  for (const sub of command.commands) prefixErrors(sub, `${path} ${sub.name()}`);
}

await (await buildProgram(process.argv)).parseAsync(process.argv);
