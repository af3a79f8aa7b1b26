// Runs real client programs (kcat, /usr/bin/python3 scripts) as child processes for the
// integration tests, with a bounded run time so a stuck client fails the test instead of hanging it.
import { spawn } from 'node:child_process';
import { SYSTEM_PYTHON } from './real-clients.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Hard limit after which the child is killed (a guard against hangs, not a synchronisation). */
  limitMs?: number;
  /** Working directory (default: the test run's own); for tools that leave caches where they run. */
  cwd?: string;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const guard = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(guard);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {
      // the child may exit before reading all input; its exit status tells the story
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Runs a Python program with the Debian interpreter (the only one that imports the Debian Kafka clients). */
export function runPython(program: string, args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return run(SYSTEM_PYTHON, ['-c', program, ...args], opts);
}

/** Parses the JSON-lines a client script printed on stdout. */
export function jsonLines<T = unknown>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{') || l.trim().startsWith('['))
    .map((l) => JSON.parse(l) as T);
}

/** Asserts a child exited 0, with its stderr in the failure message. */
export function expectSuccess(r: RunResult, what: string): void {
  if (r.code !== 0) {
    throw new Error(`${what} exited ${r.code ?? r.signal}\n--- stderr ---\n${r.stderr.slice(-4000)}\n--- stdout ---\n${r.stdout.slice(-2000)}`);
  }
}
