// MQTT: Brook's listener beside Debian's mosquitto, both started by this benchmark in the same run as
// child processes (`brook start`, `mosquitto -c`), driven by the same MQTT.js clients on 127.0.0.1 from
// this process:
//  - QoS 0: DEVICES simulated devices (one connection each) publish PER_DEVICE_Q0 messages each, all
//    at once; one subscriber on `bench/#` receives them. Messages/s = messages received / time from
//    the first publish to the last message received.
//  - QoS 1: the devices publish PER_DEVICE_Q1 messages each, one at a time per device (the next after
//    the PUBACK), all devices at once. Messages/s = PUBACKs / time. Brook answers a PUBACK only once
//    the message is fsynced in its Kafka topic; mosquitto keeps QoS 1 messages in memory (its
//    persistence file is written periodically), so this row compares durable with in-memory.
//  - Latency: one publisher, one subscriber, one message at a time (QoS 0 and QoS 1); the time from
//    publish to delivery, p50 and p99 over ROUNDS messages.
// Rows give Brook's figure with mosquitto's as the baseline (ratio >1: Brook is faster / for
// latencies, the ratio is mosquitto's time over Brook's, so >1 is still better for Brook).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { cliEntry } from '../test/helpers/paths.js';
import { percentile, report, type BenchRow } from './harness.js';

const DEVICES = Number(process.env.BENCH_MQTT_DEVICES ?? 1000);
const PER_DEVICE_Q0 = Number(process.env.BENCH_MQTT_Q0 ?? 20);
const PER_DEVICE_Q1 = Number(process.env.BENCH_MQTT_Q1 ?? 10);
const ROUNDS = Number(process.env.BENCH_MQTT_ROUNDS ?? 1000);
/** Every phase must finish within this: a guard so the benchmark always stops by itself. */
const PHASE_LIMIT_MS = 120_000;
const PAYLOAD = Buffer.alloc(64, 't');

function mosquittoBinary(): string | null {
  for (const c of ['mosquitto', '/usr/sbin/mosquitto']) if (spawnSync(c, ['-h'], { stdio: 'ignore' }).error === undefined) return c;
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitForPort(port: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function withLimit<T>(what: string, p: Promise<T>): Promise<T> {
  let guard: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(guard)),
    new Promise<T>((_, reject) => {
      guard = setTimeout(() => reject(new Error(`${what} did not finish within ${PHASE_LIMIT_MS} ms`)), PHASE_LIMIT_MS);
    }),
  ]);
}

async function connect(url: string, clientId: string): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId, reconnectPeriod: 0, connectTimeout: 30_000, keepalive: 600 });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

async function connectDevices(url: string, tag: string): Promise<MqttClient[]> {
  const devices: MqttClient[] = [];
  for (let i = 0; i < DEVICES; i += 100) {
    devices.push(...(await Promise.all(Array.from({ length: Math.min(100, DEVICES - i) }, (_, j) => connect(url, `${tag}-dev-${i + j}`)))));
  }
  return devices;
}

async function closeAll(clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.end(true, {}, () => resolve()))));
}

interface Figures {
  q0: number;
  q1: number;
  latency0: number[];
  latency1: number[];
}

async function measure(url: string, tag: string): Promise<Figures> {
  const sink = await connect(url, `${tag}-sink`);
  await sink.subscribeAsync('bench/#', { qos: 0 });
  const devices = await connectDevices(url, tag);

  // QoS 0, all devices at once.
  const total0 = DEVICES * PER_DEVICE_Q0;
  let got = 0;
  const start0 = process.hrtime.bigint();
  const allIn = new Promise<void>((resolve) => {
    sink.on('message', (topic) => {
      if (topic.startsWith('bench/q0/') && ++got === total0) resolve();
    });
  });
  devices.forEach((d, i) => {
    for (let k = 0; k < PER_DEVICE_Q0; k++) d.publish(`bench/q0/${i}`, PAYLOAD, { qos: 0 });
  });
  await withLimit(`${tag} QoS 0 (${got} of ${total0} received)`, allIn);
  const q0 = total0 / (Number(process.hrtime.bigint() - start0) / 1e9);
  sink.removeAllListeners('message');

  // QoS 1: each device one at a time, all devices at once.
  const start1 = process.hrtime.bigint();
  await withLimit(
    `${tag} QoS 1`,
    Promise.all(
      devices.map(async (d, i) => {
        for (let k = 0; k < PER_DEVICE_Q1; k++) await d.publishAsync(`bench/q1/${i}`, PAYLOAD, { qos: 1 });
      }),
    ),
  );
  const q1 = (DEVICES * PER_DEVICE_Q1) / (Number(process.hrtime.bigint() - start1) / 1e9);
  await closeAll(devices);

  // Latency: one message in flight at a time.
  const pub = await connect(url, `${tag}-lat-pub`);
  const sub = await connect(url, `${tag}-lat-sub`);
  await sub.subscribeAsync('lat/#', { qos: 1 });
  const latency = async (qos: 0 | 1): Promise<number[]> => {
    const samples: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = process.hrtime.bigint();
      const arrived = new Promise<void>((resolve) => sub.once('message', () => resolve()));
      pub.publish(`lat/q${qos}`, PAYLOAD, { qos });
      await withLimit(`${tag} latency`, arrived);
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return samples;
  };
  const latency0 = await latency(0);
  const latency1 = await latency(1);
  await closeAll([pub, sub, sink]);
  return { q0, q1, latency0, latency1 };
}

const binary = mosquittoBinary();
if (binary === null) {
  console.error('mqtt bench: Debian\'s mosquitto is not installed (scripts/ensure-test-deps.sh installs it)');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'brook-bench-mqtt-'));
let mosquitto: ChildProcess | null = null;
let brookProcess = null as ChildProcess | null;

/** Starts `brook start` and resolves to its MQTT port, read from the banner. */
function startBrook(): Promise<number> {
  const args = ['start', '--port', '0', '--mqtt-port', '0', '--no-http', '--log-level', 'error', '--data-dir', join(dir, 'brook')];
  args.push('--set', 'brook.mqtt.topic.mappings=bench/#=bench;lat/#=lat', '--set', 'brook.mqtt.max.queued.messages=1000000');
  const child = (brookProcess = spawn(process.execPath, [cliEntry, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /mqtt\s+127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`brook start exited ${code}: ${out}`)));
  });
}

try {
  const brookPort = await startBrook();
  const mosquittoPort = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${mosquittoPort} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', // unlimited, as the sink's queue on Brook is raised below
    'max_inflight_messages 100', ''].join('\n'));
  mosquitto = spawn(binary, ['-c', conf], { stdio: 'ignore' });
  await waitForPort(mosquittoPort, 10_000);
  const version = spawnSync(binary, ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'mosquitto';

  // One after the other, the peer first; neither runs while the other is measured.
  const peer = await measure(`mqtt://127.0.0.1:${mosquittoPort}`, 'mosquitto');
  const brook = await measure(`mqtt://127.0.0.1:${brookPort}`, 'brook');

  const peerName = (what: string): string => `mosquitto ${what}`;
  const rows: BenchRow[] = [
    { name: `QoS 0 msgs/s, ${DEVICES} devices`, value: brook.q0, unit: 'msg/s', baseline: { name: peerName('QoS 0'), value: peer.q0 } },
    { name: `QoS 1 msgs/s, ${DEVICES} devices (Brook fsynced)`, value: brook.q1, unit: 'msg/s', baseline: { name: peerName('QoS 1'), value: peer.q1 } },
  ];
  for (const [label, b, m] of [
    ['QoS 0', brook.latency0, peer.latency0],
    ['QoS 1', brook.latency1, peer.latency1],
  ] as const) {
    for (const p of [50, 99]) {
      // Inverted so that a ratio above 1 means Brook is faster here too.
      rows.push({ name: `${label} publish-to-subscriber p${p}, speed (1/ms)`, value: 1 / percentile([...b], p), unit: '1/ms', baseline: { name: `${peerName(label)} p${p} ${percentile([...m], p).toFixed(3)} ms`, value: 1 / percentile([...m], p) } });
      rows.push({ name: `${label} publish-to-subscriber p${p}`, value: percentile([...b], p), unit: 'ms' });
    }
  }
  report('mqtt', rows, [
    `peer: ${version}, started by this benchmark (in-memory; its persistence file is not written per message)`,
    'Brook writes every message to a Kafka topic and fsyncs QoS 1 messages before the PUBACK',
    'the QoS 0 sink may queue without bound on both (mosquitto max_queued_messages 0, Brook brook.mqtt.max.queued.messages 1000000): nothing is dropped',
    `${DEVICES} MQTT.js connections per system, ${PER_DEVICE_Q0} QoS 0 and ${PER_DEVICE_Q1} QoS 1 messages each; latency over ${ROUNDS} messages one at a time`,
  ]);
} finally {
  if (mosquitto?.pid !== undefined && mosquitto.exitCode === null) mosquitto.kill('SIGTERM');
  if (brookProcess?.pid !== undefined && brookProcess.exitCode === null) {
    const exited = new Promise((resolve) => brookProcess!.once('exit', resolve));
    brookProcess.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
