// Runs `brook` as a subprocess (the built dist/src/cli/main.js) against one broker per test file.
import { spawn, type ChildProcess } from 'node:child_process';
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

export interface Follower {
  child: ChildProcess;
  /** Resolves once stdout holds at least `n` lines. */
  lines(n: number): Promise<string[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** A long-running `brook` (e.g. consume --follow) whose output is read as it arrives. */
export function spawnBrook(bootstrap: string, args: string[]): Follower {
  const child = spawn(process.execPath, [cliEntry, ...args], { env: { ...process.env, BROOK_BROKERS: bootstrap }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal, stderr: err });
    }),
  );
  const lines = (n: number): Promise<string[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const got = out.split('\n').filter((l) => l !== '');
        if (got.length >= n) resolve(got);
        else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`brook ${args.join(' ')} exited early: ${err}`));
        else waiters.push(check);
      };
      check();
    });
  return { child, lines, exited };
}
