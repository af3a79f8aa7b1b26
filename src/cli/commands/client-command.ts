// What every command that talks to a cluster shares: the --brokers flag (then BROOK_BROKERS,
// then localhost:9092), a quick reachability check, and turning any failure into one sentence
// on stderr with a non-zero exit status (1 for failures, 2 for usage mistakes).
import type { Command } from 'commander';
import { BrokerListError, checkBrokersReachable, createAdmin, explainClientError, resolveBrokers, resolveSasl, type Admin, type ClientOptions } from '../../client/index.js';
import { readFileSync } from 'node:fs';
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
    const client: ClientOptions = { brokers, clientId: `brook-cli-${name.replace(/\s+/g, '-')}`, timeoutMs: 10_000, ...securityFromEnv() };
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

/**
 * SASL and TLS for every command from the environment (docs/security.md): BROOK_SASL_MECHANISM,
 * BROOK_SASL_USERNAME, BROOK_SASL_PASSWORD; BROOK_TLS=true (or BROOK_TLS_CA, a PEM file of the CA to
 * trust), BROOK_TLS_CERT and BROOK_TLS_KEY for mutual TLS.
 */
export function securityFromEnv(): Pick<ClientOptions, 'sasl' | 'tls'> {
  let sasl;
  try {
    sasl = resolveSasl(process.env);
  } catch (e) {
    if (e instanceof BrokerListError) throw new UsageError(e.message);
    throw e;
  }
  const env = process.env;
  const read = (name: string): string | undefined => {
    const path = env[name];
    if (path === undefined || path === '') return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(`${name}=${path} cannot be read.`);
    }
  };
  const ca = read('BROOK_TLS_CA');
  const cert = read('BROOK_TLS_CERT');
  const key = read('BROOK_TLS_KEY');
  const tls = env.BROOK_TLS === 'true' || ca !== undefined || cert !== undefined ? { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) } : undefined;
  return { ...(sasl ? { sasl } : {}), ...(tls ? { tls } : {}) };
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
