// Runs `brook` as a subprocess (the built dist/src/cli/main.js) against one broker per test file.
import { launchBrook, type BrookChild } from '../helpers/brook-process.js';
import { cliEntry } from '../helpers/paths.js';
import { run, type RunResult } from '../helpers/processes.js';

export interface BrookOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  limitMs?: number;
}

/** `brook <args>` pointed at `bootstrap` through BROOK_BROKERS (colour off, as in a pipe). */
export function brook(bootstrap: string, args: string[], opts: BrookOptions = {}): Promise<RunResult> {
  return run(process.execPath, [cliEntry, ...args], {
    env: { BROOK_BROKERS: bootstrap, ...opts.env },
    limitMs: opts.limitMs ?? 60_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
}

/** The lines of a table's output, each split on runs of spaces. */
export function tableRows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

export interface Follower extends BrookChild {
  /** Resolves once stdout holds at least `n` lines (rejects if the process ends first). */
  lines(n: number): Promise<string[]>;
}

/** A long-running `brook` (e.g. consume --follow) pointed at `bootstrap`, whose output is read as it arrives. */
export function followBrook(bootstrap: string, args: string[]): Follower {
  const p = launchBrook(args, { env: { BROOK_BROKERS: bootstrap } });
  const lines = (n: number): Promise<string[]> =>
    p.waitForOutput((out) => {
      const got = out.split('\n').filter((l) => l !== '');
      return got.length >= n ? got : undefined;
    });
  return { ...p, lines };
}
