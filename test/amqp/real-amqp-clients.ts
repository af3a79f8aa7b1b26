// Which real AMQP clients this machine has (scripts/ensure-test-deps.sh installs them): the Debian
// packages amqp-tools (rabbitmq-c) and python3-pika for /usr/bin/python3. Without one, its tests
// skip with a message -- except under CI=true, where a missing client fails.
import { spawnSync } from 'node:child_process';
import { SYSTEM_PYTHON } from '../helpers/real-clients.js';

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export const hasPika = spawnSync(SYSTEM_PYTHON, ['-c', 'import pika'], { stdio: 'ignore' }).status === 0;

/** The `skip` value for a test needing a client: false to run, a reason to skip; throws under CI. */
export function requireOrSkip(present: boolean, what: string): false | string {
  if (present) return false;
  if (process.env.CI === 'true') throw new Error(`${what} is missing under CI (scripts/ensure-test-deps.sh installs it)`);
  return `${what} not installed`;
}
