// `brook` (the built CLI, dist/src/cli/main.js) as a child process that runs until stopped or until
// its input ends: `brook start`, `brook gateway`, `brook consume --follow`, `brook produce` fed on
// stdin. Tests wait on what the process prints (its banner, a number of lines), never on a timer.
// Every child started here is remembered; killSpawned() in a test file's after hook ends those still
// running. One-shot commands whose whole output is read at exit use run() (processes.ts) instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { cliEntry } from './paths.js';

export interface BrookChild {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout: () => string;
  /** Everything written to stderr so far. */
  stderr: () => string;
  /** Resolves with the exit code once the process ended and its output was read (null after a signal). */
  exited: Promise<number | null>;
  /**
   * Resolves with what `find` returns for the stdout so far, once that is not undefined (re-asked on
   * every write); rejects with the output when the process ends first.
   */
  waitForOutput<T>(find: (stdout: string) => T | undefined): Promise<T>;
}

export interface LaunchOptions {
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** 'pipe' to write to the child's stdin (child.stdin); closed to the child otherwise. */
  stdin?: 'ignore' | 'pipe';
}

const children: ChildProcess[] = [];

/** Starts `brook <args>` and returns at once; wait on its output with waitForOutput. */
export function launchBrook(args: string[], opts: LaunchOptions = {}): BrookChild {
  const child = spawn(process.execPath, [cliEntry, ...args], { env: { ...process.env, ...opts.env }, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    wake();
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  // 'close', not 'exit': by then stdout and stderr hold everything the process wrote.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      resolve(code);
      wake();
    }),
  );
  const waitForOutput = <T>(find: (stdout: string) => T | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const found = find(out);
        if (found !== undefined) {
          waiters.delete(check);
          resolve(found);
        } else if (ended) {
          waiters.delete(check);
          reject(new Error(`brook ${args.join(' ')} exited ${child.exitCode ?? child.signalCode}\n${out}\n${err}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, stdout: () => out, stderr: () => err, exited, waitForOutput };
}

export interface RunningBrook extends BrookChild {
  /** The match of the `ready` pattern in stdout (its groups: a port, a URL from the banner). */
  banner: RegExpExecArray;
}

/** Starts `brook <args>` and resolves once its stdout matches `ready`; rejects with its output if it exits first. */
export async function spawnBrook(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<RunningBrook> {
  const p = launchBrook(args, { env });
  const banner = await p.waitForOutput((out) => ready.exec(out) ?? undefined);
  return { ...p, banner };
}

/** `brook start`'s Kafka port, from the `listening on host:port` line of its banner. */
export const LISTENING = /listening on\s+\S+:(\d+)/;

/** SIGKILLs every `brook` launchBrook/spawnBrook started that is still running (a test file's after hook). */
export function killSpawned(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
}
