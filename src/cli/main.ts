#!/usr/bin/env node
// The `brook` command's entry point: builds the command tree and runs it.
import { Command } from 'commander';
import { packageInfo } from '../util/package-info.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('brook')
    .description('Brook: a Kafka-compatible event streaming platform in one npm package.')
    .version(packageInfo.version, '-v, --version', 'print the Brook version');
  return program;
}

await buildProgram().parseAsync(process.argv);
