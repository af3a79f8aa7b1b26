// Which real Kafka clients this machine has. Under CI=true a missing client is a failure,
// not a skip (the project's scripts/ensure-test-deps.sh is supposed to have installed it).
import { spawnSync } from 'node:child_process';

export const SYSTEM_PYTHON = '/usr/bin/python3';

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

const cache = new Map<string, boolean>();
function cached(name: string, probe: () => boolean): boolean {
  let v = cache.get(name);
  if (v === undefined) {
    v = probe();
    cache.set(name, v);
  }
  return v;
}

export const clients = {
  kcat: () => cached('kcat', () => has('kcat', ['-V'])),
  confluentKafka: () => cached('ck', () => has(SYSTEM_PYTHON, ['-c', 'import confluent_kafka'])),
  kafkaPython: () => cached('kp', () => has(SYSTEM_PYTHON, ['-c', 'import kafka'])),
  /** Debian's mosquitto-clients (mosquitto_pub, mosquitto_sub). */
  mosquittoClients: () => cached('mosq', () => has('sh', ['-c', 'command -v mosquitto_pub && command -v mosquitto_sub'])),
  /** Debian's python3-pika. */
  pika: () => cached('pika', () => has(SYSTEM_PYTHON, ['-c', 'import pika'])),
  /** Debian's python3-paho-mqtt. */
  pahoMqtt: () => cached('paho', () => has(SYSTEM_PYTHON, ['-c', 'import paho.mqtt.client'])),
};

/** Returns a skip reason for node:test, or throws under CI when the client is missing. */
export function skipUnless(available: boolean, name: string): string | false {
  if (available) return false;
  if (process.env.CI === 'true') throw new Error(`test client ${name} is missing under CI`);
  return `${name} is not installed`;
}
