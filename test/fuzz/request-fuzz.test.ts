// Coverage-guided fuzzing of the request decoder and the broker's handlers, for a bounded time in CI
// (BROOK_FUZZ_SECONDS, default 15 s per target; `npm run bench -- fuzz` runs longer). Seeded from the
// golden client captures; saved failures in test/fixtures/fuzz-regressions/ are replayed first.
// A failure prints the input (hex) to save there once fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestBroker } from '../helpers/broker.js';
import { CoverageGuide } from './coverage-guide.js';
import { fuzz, type FuzzResult } from './fuzz-engine.js';
import { Mutator, prng } from './mutator.js';
import { decoderTarget, handlerTarget } from './request-targets.js';
import { seedInputs, servedApis } from './seeds.js';
import { fuzzBroker } from './fuzz-broker.js';

const SECONDS = Number(process.env.BROOK_FUZZ_SECONDS ?? 15);
// A fixed seed by default, so a CI run explores the same inputs (up to its speed) and a failure is
// reproducible; `npm run bench -- fuzz` draws a new seed each run to explore further.
const SEED = Number(process.env.BROOK_FUZZ_SEED ?? 1);

let guide: CoverageGuide;
let broker: TestBroker;
before(async () => {
  guide = new CoverageGuide((url) => url.includes('/dist/src/'));
  broker = await fuzzBroker();
});
after(async () => {
  guide.close();
  await broker.close();
});

function verdict(r: FuzzResult): void {
  console.log(`# fuzz ${r.target}: ${r.execs} inputs in ${r.seconds.toFixed(1)} s, corpus ${r.corpus}, ${r.features} coverage features, seed ${SEED}`);
  if (r.failure) assert.fail(`${r.target} failed on input ${r.failure.input.toString('hex')}:\n${r.failure.error}`);
  assert.ok(r.execs > 0);
}

test('the request decoder: only DecodeError, no allocation beyond the input', async () => {
  const rand = prng(SEED);
  verdict(await fuzz({ target: decoderTarget, seeds: seedInputs(), seconds: SECONDS, guide, mutator: new Mutator(SEED, servedApis()), pick: rand }));
});

test('the handlers on a real broker: no throw, no hang, responses encode, budgets released', async () => {
  const rand = prng(SEED + 1);
  verdict(await fuzz({ target: handlerTarget(broker.broker, 4 << 20), seeds: seedInputs(), seconds: SECONDS, guide, mutator: new Mutator(SEED + 1, servedApis()), pick: rand }));
});
