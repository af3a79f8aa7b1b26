// Unmodified Debian mosquitto clients (mosquitto_pub / mosquitto_sub) against Brook's MQTT listener:
// QoS 0/1/2 round trips with wildcard routing and 5.0 user properties, retained messages (stored,
// delivered on subscribe, cleared by an empty retained publish), a will on an abrupt disconnect
// (kill -9 of the client), a persistent session across reconnects, and a shared subscription.
// A subscriber is ready once its debug output (-d) shows the SUBACK; each message prints as one
// "MSG|topic|payload|qos|retain|user properties" line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { expectSuccess, run } from '../helpers/processes.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { eventually, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

const skip = skipUnless(clients.mosquittoClients(), 'mosquitto-clients');

let b: MqttTestBroker;
const children: ChildProcess[] = [];
before(async () => {
  if (skip) return;
  b = await startMqttBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
  await b?.close();
});

const FORMAT = 'MSG|%t|%p|%q|%r|%P';

interface Sub {
  child: ChildProcess;
  messages: () => string[];
  exited: Promise<number | null>;
}

/** Starts mosquitto_sub and resolves once the broker acknowledged its subscriptions. */
function sub(args: string[]): Promise<Sub> {
  // stdbuf: mosquitto_sub's output to a pipe is block-buffered, and readiness is read from it.
  const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(b.mqttPort), '-d', '-F', FORMAT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const messages = (): string[] => out.split('\n').filter((l) => l.startsWith('MSG|'));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      const had = out.includes('SUBACK');
      out += c.toString();
      if (!had && out.includes('SUBACK')) resolve({ child, messages, exited });
    });
    void exited.then((code) => reject(new Error(`mosquitto_sub exited ${code} before its SUBACK\n${out}\n${err}`)));
  });
}

async function pub(args: string[], input?: string): Promise<void> {
  const r = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(b.mqttPort), ...args], { limitMs: 30_000, ...(input !== undefined ? { input } : {}) });
  expectSuccess(r, `mosquitto_pub ${args.join(' ')}`);
}

test('mosquitto: QoS 0, 1 and 2 round trips through + and # filters, with 5.0 user properties', { skip }, async () => {
  const s = await sub(['-V', 'mqttv5', '-q', '2', '-t', 'sensors/+/temp', '-t', 'alarms/#', '-C', '4']);
  await pub(['-q', '0', '-t', 'sensors/kitchen/temp', '-m', '21.5']);
  await pub(['-q', '1', '-t', 'sensors/hall/temp', '-m', '19.0']);
  await pub(['-q', '1', '-t', 'sensors/hall/humidity', '-m', '40']); // matches neither filter
  await pub(['-V', 'mqttv5', '-q', '2', '-t', 'alarms/smoke/attic', '-m', 'beep', '-D', 'publish', 'user-property', 'severity', 'high']);
  await pub(['-q', '2', '-t', 'alarms/door', '-m', 'open']);
  assert.equal(await s.exited, 0);
  assert.deepEqual(s.messages(), [
    'MSG|sensors/kitchen/temp|21.5|0|0|',
    'MSG|sensors/hall/temp|19.0|1|0|',
    'MSG|alarms/smoke/attic|beep|2|0|severity:high',
    'MSG|alarms/door|open|2|0|',
  ]);
});

test('mosquitto: a retained message is delivered on subscribe and an empty retained publish clears it', { skip }, async () => {
  await pub(['-q', '1', '-r', '-t', 'home/front-door', '-m', 'locked']);
  const first = await sub(['-q', '1', '-t', 'home/front-door', '-C', '1']);
  assert.equal(await first.exited, 0);
  assert.deepEqual(first.messages(), ['MSG|home/front-door|locked|1|1|']);
  await pub(['-q', '1', '-r', '-t', 'home/front-door', '-n']);
  // After the clear, the first message a new subscriber sees is a live one, not the old retained one.
  const second = await sub(['-q', '1', '-t', 'home/front-door', '-C', '1']);
  await pub(['-q', '1', '-t', 'home/front-door', '-m', 'unlocked']);
  assert.equal(await second.exited, 0);
  assert.deepEqual(second.messages(), ['MSG|home/front-door|unlocked|1|0|']);
});

test('mosquitto: a will is published when its client is killed', { skip }, async () => {
  const watcher = await sub(['-q', '1', '-t', 'devices/+/status', '-C', '1']);
  const doomed = await sub(['-i', 'plug-7', '-q', '1', '-t', 'devices/plug-7/cmd', '--will-topic', 'devices/plug-7/status', '--will-payload', 'offline', '--will-qos', '1']);
  doomed.child.kill('SIGKILL');
  assert.equal(await watcher.exited, 0);
  assert.deepEqual(watcher.messages(), ['MSG|devices/plug-7/status|offline|1|0|']);
});

test('mosquitto: a persistent session keeps QoS 1 messages while its client is away', { skip }, async () => {
  // -c: clean session off; -E: exit once subscribed.
  const first = await sub(['-c', '-i', 'logger-1', '-q', '1', '-t', 'meter/+/reading', '-E']);
  assert.equal(await first.exited, 0);
  await pub(['-q', '1', '-t', 'meter/m1/reading', '-m', '100']);
  await pub(['-q', '1', '-t', 'meter/m2/reading', '-m', '200']);
  const back = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(b.mqttPort), '-F', FORMAT, '-c', '-i', 'logger-1', '-q', '1', '-t', 'meter/+/reading', '-C', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(back);
  let out = '';
  back.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => back.on('exit', (c) => resolve(c)));
  assert.equal(code, 0);
  assert.deepEqual(out.trim().split('\n'), ['MSG|meter/m1/reading|100|1|0|', 'MSG|meter/m2/reading|200|1|0|']);
});

test('mosquitto: a shared subscription delivers each message to one member of the group', { skip }, async () => {
  const a = await sub(['-V', 'mqttv5', '-q', '1', '-t', '$share/printers/jobs/#']);
  const c = await sub(['-V', 'mqttv5', '-q', '1', '-t', '$share/printers/jobs/#']);
  const jobs = Array.from({ length: 20 }, (_, i) => `job-${i}`);
  // -l: one message per line of standard input.
  await pub(['-V', 'mqttv5', '-q', '1', '-t', 'jobs/print', '-l'], jobs.join('\n') + '\n');
  await eventually('all jobs delivered', () => a.messages().length + c.messages().length >= jobs.length);
  const got = [...a.messages(), ...c.messages()].map((l) => l.split('|')[2]!);
  assert.deepEqual([...got].sort(), [...jobs].sort(), 'each job exactly once across the group');
  a.child.kill('SIGTERM');
  c.child.kill('SIGTERM');
});
