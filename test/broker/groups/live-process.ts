// A long-running client process (a Python consumer) the group tests talk to: its JSON lines arrive as
// events, the test waits for the ones it needs (bounded guards, never sleeps), writes commands to its
// stdin, and can SIGKILL it to make only the session timeout notice.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface LiveEvent {
  ev: string;
  [k: string]: unknown;
}

export class LiveProcess {
  readonly events: LiveEvent[] = [];
  private stderr = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<() => void>();
  exited: Promise<number | null>;

  constructor(cmd: string, args: string[], readonly name: string) {
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout.on('data', (b: Buffer) => {
      partial += b.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        this.events.push(JSON.parse(line) as LiveEvent);
      }
      for (const l of this.listeners) l();
    });
    this.child.stderr.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString('utf8')).slice(-8000);
    });
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.child.on('close', (code) => {
      for (const l of this.listeners) l();
      resolve(code);
    }));
  }

  /** Resolves with the first event (from index `from`) matching, or fails after limitMs. */
  waitFor(match: (e: LiveEvent) => boolean, limitMs = 60_000, from = 0): Promise<LiveEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.slice(from).find(match);
        if (hit) {
          cleanup();
          resolve(hit);
          return true;
        }
        if (this.child.exitCode !== null) {
          cleanup();
          reject(new Error(`${this.name} exited ${this.child.exitCode} before the awaited event\n${this.stderr}`));
          return true;
        }
        return false;
      };
      const guard = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: awaited event did not come within ${limitMs} ms; last events ${JSON.stringify(this.events.slice(-5))}\n${this.stderr}`));
      }, limitMs);
      const listener = (): void => void check();
      const cleanup = (): void => {
        clearTimeout(guard);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      check();
    });
  }

  /** Calls listener after each batch of output and on exit; returns the unsubscribe. */
  onOutput(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  get stderrTail(): string {
    return this.stderr;
  }

  records(): { p: number; o: number; v: string }[] {
    return this.events.filter((e) => e.ev === 'rec') as unknown as { p: number; o: number; v: string }[];
  }

  /** The partitions of the latest assignment event. */
  assignment(): number[] {
    const last = [...this.events].reverse().find((e) => e.ev === 'assigned');
    return last ? (last.parts as number[]) : [];
  }
}
