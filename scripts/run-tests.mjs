#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's built-in test runner, in two
// passes:
//   1. against Brook: every test file (except the differential ones, which need Kafka);
//   2. against the real Apache Kafka (BROOK_TEST_TARGET=kafka): the files that start their broker
//      through test/helpers/target.ts (everything above the wire: CLI, brook/streams, the client
//      layer, the examples) and the differential tests (test/differential), all sharing one Kafka
//      broker that this script starts (scripts/kafka/kafka-dist.sh brings it from Maven Central).
// A script rather than a glob argument because Node 20 does not expand globs in `node --test`.
// Optional arguments filter test files by substring: `npm test -- storage`. BROOK_TEST_TARGET=brook
// or =kafka runs only that pass. Without Java or the Kafka jars the second pass is skipped with a
// message, except under CI=true, where it fails.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const testRoot = join(root, 'dist', 'test');
const ci = process.env.CI === 'true';

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect(testRoot, [])
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}
const needsKafka = (f) => relative(testRoot, f).startsWith('differential/');
// A file runs on the Kafka pass too when it starts its broker through the target, or picks the target
// itself (it imports helpers/target.js and starts the broker it needs, e.g. a Kafka with SASL).
const usesTarget = (f) => /startTestTarget\(|helpers\/target\.js/.test(readFileSync(f, 'utf8'));
const only = process.env.BROOK_TEST_TARGET;
const brookFiles = only === 'kafka' ? [] : files.filter((f) => !needsKafka(f));
const kafkaFiles = only === 'brook' ? [] : files.filter((f) => needsKafka(f) || usesTarget(f));

const totals = { pass: 0, fail: 0, skipped: 0 };

/** Runs node --test on `list`, echoing its output and adding its summary counts to the totals. */
function runPass(list, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...list], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
      env: { ...process.env, ...env },
    });
    let pending = '';
    child.stdout.on('data', (b) => {
      process.stdout.write(b);
      pending += b.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        // The closing summary of the tap ("# pass 3") and spec ("ℹ pass 3") reporters.
        const m = /^(?:#|ℹ) (pass|fail|skipped) (\d+)$/.exec(line.trim());
        if (m) totals[m[1]] += Number(m[2]);
      }
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function seconds(since) {
  return ((Date.now() - since) / 1000).toFixed(0);
}

let failed = false;
if (brookFiles.length > 0) {
  const t = Date.now();
  console.log(`run-tests: pass 1 of 2: ${brookFiles.length} test files against Brook`);
  if ((await runPass(brookFiles, { BROOK_TEST_TARGET: 'brook' })) !== 0) failed = true;
  console.log(`run-tests: the Brook pass took ${seconds(t)} s`);
}

if (kafkaFiles.length > 0) {
  const t = Date.now();
  const { ensureKafkaLibs, startKafkaBroker } = await import(join(testRoot, 'helpers', 'kafka-broker.js'));
  let broker;
  try {
    ensureKafkaLibs();
    mkdirSync(join(root, '.tmp'), { recursive: true });
    broker = await startKafkaBroker({ logFile: join(root, '.tmp', 'kafka-tests.log') });
  } catch (e) {
    const why = `the Apache Kafka reference broker could not be started: ${e instanceof Error ? e.message : e}`;
    if (ci || only === 'kafka') {
      console.error(`run-tests: ${why}`);
      process.exit(1);
    }
    console.error(`run-tests: skipping the Kafka pass (${kafkaFiles.length} files): ${why}`);
  }
  if (broker) {
    console.log(`run-tests: pass 2 of 2: ${kafkaFiles.length} test files against Apache Kafka ${broker.version} at ${broker.bootstrap} (started in ${(broker.startMs / 1000).toFixed(1)} s; log in .tmp/kafka-tests.log)`);
    const stopOnSignal = (signal) => {
      process.kill(broker.pid, 'SIGKILL');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    const code = await runPass(kafkaFiles, {
      BROOK_TEST_TARGET: 'kafka',
      BROOK_TEST_KAFKA_BOOTSTRAP: broker.bootstrap,
      BROOK_TEST_KAFKA_CLUSTER_ID: broker.clusterId,
    });
    if (code !== 0) failed = true;
    await broker.stop();
    console.log(`run-tests: the Kafka pass took ${seconds(t)} s`);
  }
}

console.log(`tests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);
