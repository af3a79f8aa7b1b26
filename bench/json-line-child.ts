// A bench's broker (or other helper) in its own Node process, spoken to in JSON lines: the child
// prints one JSON object per line on stdout, the first once it is ready (its port, pid, ...), and
// answers each command written to its stdin with one line. The benches that measure a broker from
// outside (its CPU from /proc, its event loop, its heap) run it this way so the client's work is
// never on the broker's event loop. Lines that are not JSON objects (`--trace-gc` writes to stdout)
// go to this process's stderr unparsed, so a diagnostic flag never breaks the conversation.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface JsonLineChildOptions {
  /** Named in errors. */
  label: string;
  /** Options for node itself, before the script (`--cpu-prof`, `--expose-gc`, ...). */
  nodeArgs?: readonly string[];
  /** Keep the child's stderr (its tail goes into errors) instead of passing it through. */
  captureStderr?: boolean;
  /**
   * Lines after the first that nobody asked for (a child that reports on its own schedule): each
   * goes here instead of answering a command.
   */
  onReport?: (value: Record<string, unknown>) => void;
  /** How long an answer may take before the wait fails (default 60 s). */
  answerTimeoutMs?: number;
}

type Waiter = { resolve(value: Record<string, unknown>): void; reject(error: Error): void };

export class JsonLineChild {
  private readonly waiters: Waiter[] = [];
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private stderrTail = '';

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable | null>,
    private readonly options: JsonLineChildOptions,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.exitCode = code;
        for (const w of this.waiters.splice(0)) w.reject(this.failure(`exited with ${String(code)}`));
        resolve(code);
      });
    });
    child.stderr?.on('data', (b: Buffer) => (this.stderrTail = (this.stderrTail + b.toString()).slice(-4000)));
    let first = true;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) {
        process.stderr.write(line + '\n');
        return;
      }
      const value = JSON.parse(line) as Record<string, unknown>;
      if (!first && options.onReport) options.onReport(value);
      else this.waiters.shift()?.resolve(value);
      first = false;
    });
  }

  /** Starts `node [nodeArgs] script [args]` and resolves with the child and its first line. */
  static async start<Ready extends object>(script: string, args: readonly string[], options: JsonLineChildOptions): Promise<{ child: JsonLineChild; ready: Ready }> {
    // stdin and stdout are pipes whichever stderr is; the conditional only hides that from the types.
    const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      stdio: ['pipe', 'pipe', options.captureStderr ? 'pipe' : 'inherit'],
    }) as ChildProcessByStdio<Writable, Readable, Readable | null>;
    const child = new JsonLineChild(proc, options);
    const ready = await child.next();
    return { child, ready: ready as Ready };
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Writes `command` as one line and resolves with the child's answer. */
  ask<T extends object>(command: string): Promise<T> {
    const answer = this.next();
    this.child.stdin.write(command + '\n');
    return answer as Promise<T>;
  }

  /**
   * Ends the child: by closing its stdin (children that stop when their input ends) or by SIGTERM;
   * SIGKILL if it has not exited after `killAfterMs`.
   */
  async stop(how: 'end-stdin' | 'SIGTERM' = 'end-stdin', killAfterMs = 30_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    if (how === 'SIGTERM') this.child.kill('SIGTERM');
    else this.child.stdin.end();
    const guard = setTimeout(() => this.child.kill('SIGKILL'), killAfterMs);
    await this.exited;
    clearTimeout(guard);
  }

  private next(): Promise<Record<string, unknown>> {
    if (this.exitCode !== undefined) return Promise.reject(this.failure(`had exited with ${String(this.exitCode)}`));
    return new Promise((resolve, reject) => {
      const timeout = this.options.answerTimeoutMs ?? 60_000;
      const waiter: Waiter = {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(this.failure(`did not answer within ${timeout} ms`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  private failure(what: string): Error {
    const tail = this.stderrTail ? `: ${this.stderrTail}` : '';
    return new Error(`${this.options.label} ${what}${tail}`);
  }
}
