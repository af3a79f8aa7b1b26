// Coverage feedback for the fuzzer (test/fuzz/fuzz-engine.ts): V8's own block coverage, read through
// the in-process inspector (Profiler.takePreciseCoverage with call counts, which also resets them).
// Jazzer.js would give the same signal through libFuzzer, but its prebuilt addon needs a newer glibc
// than Debian 12 has, and it cannot be built offline; V8's counters need nothing installed.
//
// A "feature" is one executed block of Brook's own code (dist/src/...), named by script, offsets and a
// bucketed hit count (as libFuzzer buckets counters): an input that reaches a new feature is kept.
import { Session } from 'node:inspector';

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface ScriptCoverage {
  url: string;
  functions: { ranges: Range[] }[];
}

function bucket(count: number): number {
  if (count <= 2) return count;
  if (count < 16) return 3;
  return 16;
}

export class CoverageGuide {
  private readonly session = new Session();
  private readonly seen = new Set<string>();

  constructor(private readonly include: (url: string) => boolean) {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  /** Features seen so far. */
  get size(): number {
    return this.seen.size;
  }

  /**
   * Reads (and resets) the counters; returns how many features were new. With `commit` false the
   * new features are not remembered (a batch probe: the inputs are then run one by one).
   */
  collect(commit = true): number {
    const result = this.post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    let fresh = 0;
    for (const script of result.result) {
      if (!this.include(script.url)) continue;
      for (const fn of script.functions) {
        for (const r of fn.ranges) {
          if (r.count === 0) continue;
          const key = `${script.url}:${r.startOffset}:${r.endOffset}:${bucket(r.count)}`;
          if (!this.seen.has(key)) {
            if (commit) this.seen.add(key);
            fresh++;
          }
        }
      }
    }
    return fresh;
  }

  close(): void {
    this.post('Profiler.stopPreciseCoverage');
    this.session.disconnect();
  }

  /** The in-process session answers synchronously. */
  private post(method: string, params?: object): unknown {
    let out: unknown;
    let failure: Error | null = null;
    this.session.post(method, params ?? {}, (err, res) => {
      failure = err;
      out = res;
    });
    if (failure) throw failure;
    return out;
  }
}
