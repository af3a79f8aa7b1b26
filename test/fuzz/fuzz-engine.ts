// A small coverage-guided fuzzing loop (libFuzzer's shape): run the seeds, then mutate corpus entries
// and keep every input that reaches code no earlier input reached (coverage-guide.ts), until the time
// budget is spent or a target reports a failure. A target fails by throwing FuzzFailure (or anything
// else: an unexpected exception is a failure too). Large Buffer allocations are watched for the whole
// process while the loop runs, so a target can bound what an input may make the code allocate.
import type { CoverageGuide } from './coverage-guide.js';
import type { Mutator } from './mutator.js';

const BATCH = 32;

export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

export interface FuzzTarget {
  readonly name: string;
  /** Runs one input; throws FuzzFailure (or anything) when it found a bug. */
  run(input: Buffer): void | Promise<void>;
}

export interface FuzzResult {
  target: string;
  execs: number;
  corpus: number;
  features: number;
  seconds: number;
  failure: { input: Buffer; error: string } | null;
}

// --- allocation watch: the largest Buffer asked for since the last reset
let largest = 0;
let watching = 0;
const original = { alloc: Buffer.alloc, allocUnsafe: Buffer.allocUnsafe, allocUnsafeSlow: Buffer.allocUnsafeSlow };

function watchAllocations(): () => void {
  if (watching++ === 0) {
    Buffer.alloc = ((size: number, ...rest: unknown[]) => {
      if (size > largest) largest = size;
      return (original.alloc as (...a: unknown[]) => Buffer)(size, ...rest);
    }) as typeof Buffer.alloc;
    Buffer.allocUnsafe = ((size: number) => {
      if (size > largest) largest = size;
      return original.allocUnsafe(size);
    }) as typeof Buffer.allocUnsafe;
    Buffer.allocUnsafeSlow = ((size: number) => {
      if (size > largest) largest = size;
      return original.allocUnsafeSlow(size);
    }) as typeof Buffer.allocUnsafeSlow;
  }
  return () => {
    if (--watching === 0) Object.assign(Buffer, original);
  };
}

/** The largest Buffer allocation since the last call, then resets. */
export function takeLargestAllocation(): number {
  const n = largest;
  largest = 0;
  return n;
}

export async function fuzz(options: {
  target: FuzzTarget;
  seeds: readonly Buffer[];
  seconds: number;
  guide: CoverageGuide;
  mutator: Mutator;
  pick: () => number;
}): Promise<FuzzResult> {
  const { target, guide, mutator } = options;
  const corpus: Buffer[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let execs = 0;
  const stopWatching = watchAllocations();
  const attempt = async (input: Buffer): Promise<{ input: Buffer; error: string } | null> => {
    execs++;
    takeLargestAllocation();
    try {
      await target.run(input);
    } catch (e) {
      return { input, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    return null;
  };
  let failure: FuzzResult['failure'] = null;
  try {
    guide.collect(); // forget what ran before the loop
    for (const seed of options.seeds) {
      failure = await attempt(seed);
      if (failure) break;
      guide.collect();
      corpus.push(seed);
    }
    // Inputs run in batches with one coverage read (a read costs as much as dozens of decodes); a
    // batch that reached something new is split in halves, recursively, to find the inputs that did.
    const probe = async (inputs: Buffer[]): Promise<void> => {
      if (performance.now() >= deadline) return;
      for (const input of inputs) {
        failure = await attempt(input);
        if (failure) return;
      }
      if (inputs.length === 1) {
        if (guide.collect() > 0) corpus.push(inputs[0]!);
        return;
      }
      if (guide.collect(false) === 0) return;
      const half = inputs.length >> 1;
      await probe(inputs.slice(0, half));
      if (!failure) await probe(inputs.slice(half));
    };
    while (!failure && performance.now() < deadline && corpus.length > 0) {
      const batch: Buffer[] = [];
      for (let i = 0; i < BATCH; i++) {
        const base = corpus[Math.floor(options.pick() * corpus.length)]!;
        const other = corpus[Math.floor(options.pick() * corpus.length)]!;
        batch.push(mutator.mutate(base, other));
      }
      await probe(batch);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    stopWatching();
  }
  return { target: target.name, execs, corpus: corpus.length, features: guide.size, seconds: (performance.now() - started) / 1000, failure };
}
