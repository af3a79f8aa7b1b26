// `brook` (the built CLI, dist/src/cli/main.js) as a child process that runs until stopped, e.g.
// `brook start` or `brook gateway`: started, then handed over once its stdout shows it is ready (its
// banner), so tests wait on what the process says rather than on a timer. Every child started here
// is remembered; killSpawned() in a test file's after hook ends those still running.
import { spawn, type ChildProcess } from 'node:child_process';
import { cliEntry } from './paths.js';

export interface RunningBrook {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout: () => string;
  /** Resolves with the exit code when the process ends (null after a signal). */
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** Spawns `brook <args>` and resolves once its stdout matches `ready`; rejects with its output if it exits first. */
export function spawnBrook(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<RunningBrook> {
  const child = spawn(process.execPath, [cliEntry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (ready.test(out)) resolve({ child, stdout: () => out, exited });
    });
    void exited.then((code) => reject(new Error(`brook ${args.join(' ')} exited ${code}\n${out}\n${err}`)));
  });
}

/** SIGKILLs every `brook` spawnBrook started that is still running (a test file's after hook). */
export function killSpawned(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
}
