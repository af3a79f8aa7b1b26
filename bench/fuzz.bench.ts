// The request fuzzer of test/fuzz, run for longer than CI allows: BROOK_FUZZ_SECONDS per target
// (default 300), seed BROOK_FUZZ_SEED (default: the clock). Prints inputs run, corpus size and
// coverage features per target; fails (exit 1) with the input in hex when a target fails, so it can
// be saved in test/fixtures/fuzz-regressions/ once fixed.
import { CoverageGuide } from '../test/fuzz/coverage-guide.js';
import { fuzz, type FuzzResult } from '../test/fuzz/fuzz-engine.js';
import { fuzzBroker } from '../test/fuzz/fuzz-broker.js';
import { Mutator, prng } from '../test/fuzz/mutator.js';
import { decoderTarget, handlerTarget } from '../test/fuzz/request-targets.js';
import { seedInputs, servedApis } from '../test/fuzz/seeds.js';
import { report, type BenchRow } from './harness.js';


const SECONDS = Number(process.env.BROOK_FUZZ_SECONDS ?? 300);
const SEED = Number(process.env.BROOK_FUZZ_SEED ?? Date.now() % 1_000_000);

async function main(): Promise<void> {
  const guide = new CoverageGuide((url) => url.includes('/dist/src/'));
  const broker = await fuzzBroker();
  const results: FuzzResult[] = [];
  try {
    results.push(await fuzz({ target: decoderTarget, seeds: seedInputs(), seconds: SECONDS, guide, mutator: new Mutator(SEED, servedApis()), pick: prng(SEED) }));
    results.push(await fuzz({ target: handlerTarget(broker.broker, 4 << 20), seeds: seedInputs(), seconds: SECONDS, guide, mutator: new Mutator(SEED + 1, servedApis()), pick: prng(SEED + 1) }));
  } finally {
    guide.close();
    await broker.close();
  }
  const rows: BenchRow[] = [];
  for (const r of results) {
    rows.push({ name: `${r.target}: inputs per second`, value: r.execs / r.seconds, unit: 'inputs/s' });
    rows.push({ name: `${r.target}: inputs run`, value: r.execs, unit: 'inputs' });
    rows.push({ name: `${r.target}: corpus kept`, value: r.corpus, unit: 'inputs' });
    rows.push({ name: `${r.target}: failures`, value: r.failure ? 1 : 0, unit: '' });
  }
  const failed = results.filter((r) => r.failure);
  report('fuzz', rows, [`seed ${SEED}, ${SECONDS} s per target, coverage features ${results[results.length - 1]?.features ?? 0}`, ...failed.map((r) => `${r.target} failed on ${r.failure!.input.toString('hex')}: ${r.failure!.error.split('\n')[0]}`)]);
  if (failed.length > 0) process.exitCode = 1;
}

await main();
