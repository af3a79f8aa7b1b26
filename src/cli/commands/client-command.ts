// What every command that talks to a cluster shares: the --brokers flag (then BROOK_BROKERS,
// then localhost:9092), a quick reachability check, and turning any failure into one sentence
// on stderr with a non-zero exit status (1 for failures, 2 for usage mistakes).
import type { Command } from 'commander';
import { BrokerListError, checkBrokersReachable, createAdmin, explainClientError, resolveBrokers, type Admin, type ClientOptions } from '../../client/index.js';
import { styleFor, type Style } from '../format/style.js';
import { UsageError } from './start-options.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface BrokersFlag {
  brokers?: string;
}

export interface CommandContext {
  client: ClientOptions;
  /** Styling for stdout (plain unless stdout is a terminal). */
  style: Style;
  write(text: string): void;
}

export function addBrokersOption(command: Command): Command {
  return command.option('-b, --brokers <host:port,...>', 'bootstrap brokers [env BROOK_BROKERS] (default: "localhost:9092")');
}

/**
 * Runs a command body against the cluster and exits the process with its status (a number the
 * body returns, else 0). Exiting
 * explicitly (after stdout drains) keeps a client's leftover timers from holding the process.
 */
export async function runClientCommand(name: string, flags: BrokersFlag, body: (ctx: CommandContext) => Promise<unknown>): Promise<never> {
  let brokers: string[] = [];
  let status: number;
  try {
    brokers = brokersFrom(flags);
    const client: ClientOptions = { brokers, clientId: `brook-cli-${name.replace(/\s+/g, '-')}`, timeoutMs: 10_000 };
    await checkBrokersReachable(client);
    const result = await body({
      client,
      style: styleFor(process.stdout),
      write: (t) => {
        process.stdout.write(t);
      },
    });
    status = typeof result === 'number' ? result : 0;
  } catch (e) {
    status = e instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
    fail(name, e instanceof UsageError ? e.message : explainClientError(e, brokers));
  }
  return exitAfterFlush(status);
}

/** The broker list from --brokers, then BROOK_BROKERS, then the default; a malformed list is a usage mistake. */
function brokersFrom(flags: BrokersFlag): string[] {
  try {
    return resolveBrokers(flags.brokers, process.env);
  } catch (e) {
    if (!(e instanceof BrokerListError)) throw e;
    const source = flags.brokers !== undefined ? '--brokers' : 'BROOK_BROKERS';
    throw new UsageError(`${source}: ${e.message}`);
  }
}

/** Prints "brook <command>: <sentence>" on stderr (red on a terminal). */
export function fail(name: string, message: string): void {
  const style = styleFor(process.stderr);
  process.stderr.write(`${style.red(`brook ${name}:`)} ${message}\n`);
}

export async function exitAfterFlush(status: number): Promise<never> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(status);
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses a whole number flag, or throws a UsageError naming the flag. */
export function parseWhole(flag: string, text: string, min = 0): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, not "${text}".`);
  return n;
}

/** Parses repeatable key=value flags into a record (the last value of a key wins). */
export function parseKeyValues(flag: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, not "${item}".`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return out;
}

/** Runs `use` with an Admin client that is closed afterwards. */
export async function withAdmin<T>(ctx: CommandContext, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createAdmin(ctx.client);
  try {
    return await use(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}
