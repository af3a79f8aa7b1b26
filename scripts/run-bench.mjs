#!/usr/bin/env node
// `npm run bench`: runs every compiled benchmark (dist/bench/*.bench.js) one after another.
// Each benchmark prints a table and writes its figures as JSON to bench/results/.
// Arguments filter by substring: `npm run bench -- storage`. Benchmarks that take many minutes
// and start other systems (vs-kafka and consume: Brook beside Apache Kafka), or write gigabytes
// (recovery), run only when named.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'dist', 'bench');
const filters = process.argv.slice(2);
let names = [];
try {
  names = readdirSync(dir).filter((n) => n.endsWith('.bench.js')).sort();
} catch {
  // no benchmarks compiled
}
const ON_REQUEST = ['vs-kafka', 'consume', 'amqp', 'recovery'];
names = names.filter((n) => (filters.length === 0 ? !ON_REQUEST.some((r) => n.startsWith(r)) : filters.some((f) => n.includes(f))));
if (filters.length === 0) console.log(`run-bench: ${ON_REQUEST.join(', ')} run only when named (npm run bench -- vs-kafka)`);
if (names.length === 0) {
  console.error('run-bench: no benchmarks matched');
  process.exit(1);
}
let failed = 0;
for (const name of names) {
  console.log(`\n=== ${name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, name)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
