// Captures golden request bytes from real Kafka clients into test/fixtures/golden/.
//
//   npm run build && node dist/scripts/capture-golden.js [outDir] [--raw rawDir] [--only client,...]
//
// Starts the scripted responder (capture-golden-responder.ts) on 127.0.0.1, port 0, runs each client
// step (capture-golden-clients.ts) one after another, and records every request frame it receives.
// Fixtures are deduplicated per client by (API key, version, variant): the first frame of each kind
// is kept as `<client>/<NN>-<api>-v<version>[-<variant>].bin` (NN the API key), where the variant
// is the compression codec for Produce and `member-id` for a JoinGroup that carries one. The records
// of kcat's Produce requests are also stored alone as `kcat/records-<codec>.bin`. With --raw, every
// frame is kept as well, numbered in arrival order.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoldenResponder } from './capture-golden-responder.js';
import { kcatSteps, nodeSteps, pythonSteps, type ClientStep } from './capture-golden-clients.js';
import { apiByKey, apis, ApiKey } from '../src/protocol/messages/index.js';
import { decodeRequestBody, type RequestHeader } from '../src/protocol/headers.js';
import { batchCompression } from '../src/protocol/records/batch-header.js';
import { COMPRESSION_NAMES } from '../src/protocol/records/compression/index.js';

interface Captured {
  client: string;
  name: string;
  frame: Buffer;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The fixture name for a frame, and for kcat Produce the records to store alone. */
function describe(frame: Buffer, header: RequestHeader): { name: string; records: Buffer | null; codec: string | null } {
  const api = apiByKey(header.apiKey);
  const base = `${String(header.apiKey).padStart(2, '0')}-${api ? kebab(api.name) : 'unknown'}-v${header.apiVersion}`;
  const body = frame.subarray(4);
  const at = { ...header, bodyOffset: header.bodyOffset };
  try {
    if (header.apiKey === ApiKey.Produce) {
      const req = decodeRequestBody(body, at, apis.Produce.request);
      const records = req.topicData[0]?.partitionData[0]?.records ?? null;
      const codec = records && records.length > 22 ? (COMPRESSION_NAMES[batchCompression(records)] ?? 'unknown') : 'empty';
      return { name: `${base}-${codec}`, records, codec };
    }
    if (header.apiKey === ApiKey.JoinGroup) {
      const req = decodeRequestBody(body, at, apis.JoinGroup.request);
      return { name: req.memberId === '' ? base : `${base}-member-id`, records: null, codec: null };
    }
  } catch (e) {
    return { name: `${base}-undecodable`, records: null, codec: `${String(e)}` };
  }
  return { name: base, records: null, codec: null };
}

function runStep(step: ClientStep): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(step.cmd, step.args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: repoRoot() });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const term = setTimeout(() => child.kill('SIGTERM'), step.limitMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), step.limitMs + 5_000);
    child.on('error', (e) => (output += `spawn error: ${e.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(term);
      clearTimeout(kill);
      done({ code, signal, output });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(step.input ?? '');
  });
}

function repoRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const value = argv[i + 1];
    argv.splice(i, 2);
    return value;
  };
  const rawDir = flag('--raw');
  const only = flag('--only')?.split(',');
  const outDir = resolve(repoRoot(), argv[0] ?? 'test/fixtures/golden');

  let client = '';
  let seq = 0;
  const kept = new Map<string, Captured>();
  const kcatRecords = new Map<string, Buffer>();
  const responder = new GoldenResponder({
    log: (line) => console.log(`  responder: ${line}`),
    onFrame: (frame, header) => {
      const { name, records, codec } = describe(frame, header);
      if (rawDir) {
        mkdirSync(join(rawDir, client), { recursive: true });
        writeFileSync(join(rawDir, client, `${String(++seq).padStart(4, '0')}-${name}.bin`), frame);
      }
      const key = `${client}/${name}`;
      if (!kept.has(key)) kept.set(key, { client, name, frame: Buffer.from(frame) });
      if (client === 'kcat' && records && codec && !kcatRecords.has(codec)) kcatRecords.set(codec, Buffer.from(records));
    },
  });
  const port = await responder.listen();
  const bootstrap = `127.0.0.1:${port}`;
  console.log(`responder on ${bootstrap}`);
  const steps = [...kcatSteps(bootstrap), ...pythonSteps(bootstrap), ...nodeSteps(bootstrap)].filter(
    (s) => only === undefined || only.includes(s.client),
  );
  for (const step of steps) {
    client = step.client;
    const r = await runStep(step);
    const tail = r.output.trim().split('\n').slice(-3).join(' | ');
    console.log(`${step.client}: ${step.what} -> exit ${r.code ?? r.signal}${tail ? `  (${tail.slice(0, 300)})` : ''}`);
  }
  await responder.close();

  const clients = new Set([...kept.values()].map((c) => c.client));
  for (const c of clients) rmSync(join(outDir, c), { recursive: true, force: true });
  for (const c of kept.values()) {
    mkdirSync(join(outDir, c.client), { recursive: true });
    writeFileSync(join(outDir, c.client, `${c.name}.bin`), c.frame);
  }
  for (const [codec, records] of kcatRecords) writeFileSync(join(outDir, 'kcat', `records-${codec}.bin`), records);
  for (const c of clients) {
    const names = [...kept.values()].filter((k) => k.client === c).map((k) => k.name).sort();
    console.log(`${c}: ${names.join(' ')}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
