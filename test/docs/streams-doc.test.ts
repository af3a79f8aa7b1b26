// docs/streams.md must be true: every ```ts example compiles under strict TypeScript against `brook/streams` as a
// user's project imports it (the package's own exports), the examples that need no broker run and their
// assertions hold, and every function and class brook/streams exports appears in an example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const doc = readFileSync(join(repoRoot, 'docs', 'streams.md'), 'utf8');
const examples = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

test('every value brook/streams exports has an example in docs/streams.md', async () => {
  const exported = Object.keys((await import('../../src/streams/index.js')) as Record<string, unknown>);
  assert.ok(exported.length > 20);
  const code = examples.join('\n');
  const missing = exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
  assert.deepEqual(missing, [], 'exports without an example');
});

test('the examples compile under strict TypeScript and those without a broker run', { timeout: 180_000 }, () => {
  // Inside the repository, so `brook/streams` resolves as a package self-reference through package.json "exports".
  const dir = join(repoRoot, '.cache', 'doc-examples');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = examples.map((code, i) => {
    const file = join(dir, `example-${i}.ts`);
    // Each example is a module of its own (top-level await needs one).
    writeFileSync(file, code.includes('export ') ? code : `${code}\nexport {};\n`);
    return file;
  });
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['--strict', '--noEmitOnError', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--types', 'node', '--skipLibCheck', '--rootDir', dir, '--outDir', join(dir, 'out'), ...files];
  const compiled = spawnSync(process.execPath, [tsc, ...args], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(compiled.status, 0, `the examples do not compile:\n${compiled.stdout}${compiled.stderr}`);
  examples.forEach((code, i) => {
    if (/\.start\(\)/.test(code)) return; // needs a broker
    const ran = spawnSync(process.execPath, [join(dir, 'out', `example-${i}.js`)], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(ran.status, 0, `example ${i} failed:\n${code}\n${ran.stderr}`);
  });
});
