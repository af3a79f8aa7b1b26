#!/usr/bin/env node
// The `brook` command's entry point: builds the command tree and runs it. No logic lives here;
// each command is a module under commands/.
import { Command, type CommanderError } from 'commander';
import { packageInfo } from '../util/package-info.js';
import { EXIT_USAGE, registerStart } from './commands/start.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('brook')
    .description('Brook: a Kafka-compatible event streaming platform in one npm package.')
    .version(packageInfo.version, '-v, --version', 'print the Brook version')
    // Usage mistakes (unknown flag, missing value) exit 2, as configuration errors do.
    .exitOverride((err: CommanderError) => process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE));
  registerStart(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
