// Runs the interop suites' scenario programs (built once by scripts/interop-setup.sh) against a broker:
// one child process per scenario, which prints "PASS <name>" and exits 0, or says what failed and exits 1.
// A suite that is not built is skipped with a message, or fails the test under CI=true. A file may bring its own
// broker (InteropOptions.target), e.g. a secured Brook or, on the Kafka pass, a secured Apache Kafka.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { repoRoot } from '../helpers/paths.js';
import { run, type RunResult } from '../helpers/processes.js';

export type Suite = 'java' | 'python' | 'go';

/** Broker settings for the suites: no initial rebalance delay, low minimum session timeouts and (KIP-848) a
 *  short heartbeat interval, so group scenarios do not wait on delays meant for production clusters. */
const INTEROP_BROKER_CONFIG: Record<string, string> = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  // share.lock-timeout sets a 2 s acquisition lock on its group (Kafka's floor is 15 s).
  'group.share.min.record.lock.duration.ms': '1000',
  'group.consumer.min.session.timeout.ms': '1000',
  'group.consumer.min.heartbeat.interval.ms': '500',
  'group.consumer.heartbeat.interval.ms': '500',
};

const READY_FILE: Record<Suite, string> = { java: 'java.classpath', python: 'python.path', go: 'go.path' };
const readyDir = join(repoRoot, '.cache', 'interop');

/** The scenario's own watchdog fires first (with a thread dump or trace); this limit only guards against a stuck JVM. */
const SCENARIO_TIMEOUT_S = 150;
const CHILD_LIMIT_MS = (SCENARIO_TIMEOUT_S + 30) * 1000;

function ready(suite: Suite): string | null {
  const file = join(readyDir, READY_FILE[suite]);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** node:test's skip option: false when the suite is built; under CI a missing build is an error, not a skip. */
function skipUnlessBuilt(suite: Suite): string | false {
  if (ready(suite) !== null) return false;
  const why = `the ${suite} interop suite is not built (scripts/interop-setup.sh ${suite})`;
  if (process.env.CI === 'true') throw new Error(`${why}; under CI it must be`);
  return why;
}

function command(suite: Suite, args: string[]): { cmd: string; args: string[] } {
  const built = ready(suite);
  if (built === null) throw new Error(`the ${suite} interop suite is not built`);
  switch (suite) {
    case 'java':
      // Serial GC and C1 only: scenarios are short-lived and the machine has two cores shared with the broker.
      return { cmd: 'java', args: ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', built, 'dev.brook.interop.Main', ...args] };
    case 'python':
      return { cmd: built, args: [join(repoRoot, 'interop', 'python', 'run.py'), ...args] };
    case 'go':
      return { cmd: built, args };
  }
}

/** The scenario names the suite's program knows (its `list` command). */
async function listScenarios(suite: Suite): Promise<string[]> {
  const c = command(suite, ['list']);
  const r = await run(c.cmd, c.args, { limitMs: 60_000 });
  if (r.code !== 0) throw new Error(`${suite} list exited ${r.code ?? r.signal}: ${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).sort();
}

/** The broker a file's scenarios run against: its bootstrap, what else they need in the environment, how to stop it. */
export interface ScenarioTarget {
  bootstrap: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The default target: one in-process Brook with the suites' settings (and, if asked, its AMQP listener). */
async function interopBroker(amqp: boolean): Promise<ScenarioTarget> {
  const b: TestBroker = await startTestBroker({ config: INTEROP_BROKER_CONFIG, ...(amqp ? { amqpPort: 0 } : {}) });
  const env: Record<string, string> = {};
  // The AMQP 0-9-1 listener, for scenarios that drive RabbitMQ's clients (set only when the broker has one).
  const amqpPort = b.broker.amqpPort;
  if (amqpPort !== null) env.BROOK_INTEROP_AMQP_URI = `amqp://guest:guest@127.0.0.1:${amqpPort}`;
  return { bootstrap: b.bootstrap, env, close: () => b.close() };
}

function runScenario(suite: Suite, scenario: string, t: ScenarioTarget): Promise<RunResult> {
  const c = command(suite, [scenario, t.bootstrap]);
  return run(c.cmd, c.args, { limitMs: CHILD_LIMIT_MS, env: { BROOK_INTEROP_TIMEOUT_S: String(SCENARIO_TIMEOUT_S), ...t.env } });
}

/** Fails with the scenario's own message (its FAIL line and the client's log) unless it passed. */
function expectPassed(r: RunResult, scenario: string): void {
  if (r.code === 0 && r.stdout.includes(`PASS ${scenario}`)) return;
  const failLine = r.stderr.split('\n').find((l) => l.startsWith(`FAIL ${scenario}`));
  throw new Error(
    `${failLine ?? `${scenario} exited ${r.code ?? r.signal}`}\n--- stderr (tail) ---\n${r.stderr.slice(-6000)}\n--- stdout (tail) ---\n${r.stdout.slice(-2000)}`,
  );
}

export interface InteropOptions {
  /** Which of the program's scenarios this file covers (its `list` is compared after this filter); default all. */
  covers?: (scenario: string) => boolean;
  /** Start the broker's AMQP 0-9-1 listener (port 0) too; scenarios get its URI in BROOK_INTEROP_AMQP_URI. */
  amqp?: boolean;
  /** Another broker than the default in-process Brook (e.g. a secured one, or a real Kafka on the Kafka pass). */
  target?: () => Promise<ScenarioTarget>;
  /** Per scenario: a reason it cannot run against this target (a skip with that message), or false. */
  skip?: (scenario: string) => string | false;
}

/**
 * Registers a suite's tests in the calling test file: one Brook for the file, a check that the list matches the
 * program's own (so a scenario added there is not silently left out here), and one test per scenario.
 */
export function interopTests(suite: Suite, scenarios: readonly string[], options: InteropOptions = {}): void {
  const skip = skipUnlessBuilt(suite);
  const covers = options.covers ?? (() => true);
  let b: ScenarioTarget | undefined;
  before(async () => {
    if (!skip) b = await (options.target ?? (() => interopBroker(options.amqp === true)))();
  });
  after(async () => {
    await b?.close();
  });

  test(`${suite}: every scenario of interop/${suite} has a test here`, { skip }, async () => {
    assert.deepEqual((await listScenarios(suite)).filter(covers), [...scenarios].sort());
  });

  for (const scenario of scenarios) {
    test(`${suite}: ${scenario}`, { skip: skip || (options.skip?.(scenario) ?? false) }, async () => {
      if (!b) throw new Error('the broker did not start');
      expectPassed(await runScenario(suite, scenario, b), scenario);
    });
  }
}
