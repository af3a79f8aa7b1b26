// Shared by every benchmark: timing helpers, a terminal table and the JSON file in bench/results/.
// Figures are only compared within one run (ratios), never against numbers from another run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

export interface BenchRow {
  /** What was measured, e.g. "CRC-32C 1 MiB". */
  name: string;
  value: number;
  unit: string;
  /** The same-run baseline this row is compared with, if any. */
  baseline?: { name: string; value: number };
  /** Optional target for value/baseline.value, printed as met or missed. */
  targetRatio?: number;
}

const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));

/** Runs `fn` repeatedly for at least `minMs` (after one warm-up call); returns calls per second. */
export async function rate(fn: () => unknown | Promise<unknown>, minMs = 1000): Promise<number> {
  await fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  const minNs = BigInt(minMs) * 1_000_000n;
  while (elapsedNs < minNs) {
    const r = fn();
    if (r instanceof Promise) await r;
    calls++;
    elapsedNs = process.hrtime.bigint() - start;
  }
  return calls / (Number(elapsedNs) / 1e9);
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** Prints the table and writes bench/results/<benchName>.json (`extra`: further fields for the JSON, e.g. every run). */
export function report(benchName: string, rows: BenchRow[], notes: string[] = [], extra: Record<string, unknown> = {}): void {
  const lines = rows.map((r) => {
    const ratio = r.baseline ? r.value / r.baseline.value : undefined;
    const verdict =
      ratio !== undefined && r.targetRatio !== undefined ? (ratio >= r.targetRatio ? 'met' : 'MISSED') : '';
    return [
      r.name,
      `${fmt(r.value)} ${r.unit}`,
      r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '',
      ratio !== undefined ? `x${ratio.toFixed(2)}` : '',
      r.targetRatio !== undefined ? `target x${r.targetRatio} ${verdict}` : '',
    ];
  });
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...lines.map((l) => l[i]!.length), 0));
  console.log(`\n${benchName}`);
  for (const l of lines) console.log('  ' + l.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  for (const n of notes) console.log(`  note: ${n}`);
  mkdirSync(resultsDir, { recursive: true });
  const json = {
    bench: benchName,
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    rows: rows.map((r) => ({ ...r, ratio: r.baseline ? r.value / r.baseline.value : undefined })),
    notes,
    ...extra,
  };
  writeFileSync(join(resultsDir, `${benchName}.json`), JSON.stringify(json, null, 2) + '\n');
}
