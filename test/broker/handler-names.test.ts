// Handler modules are named by the API key they serve (`00-produce.ts`, `61-describe-producers.ts`) and open with a
// comment naming the API and its key: a file whose number, name or comment disagrees with its API is a trap for the
// next reader (DescribeProducers is key 61, DescribeTransactions 65).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import type { AnyHandler } from '../../src/broker/handlers/handler.js';
import { handlers } from '../../src/broker/handlers/index.js';

const sourceDir = join(repoRoot, 'src', 'broker', 'handlers');
const compiledDir = join(repoRoot, 'dist', 'src', 'broker', 'handlers');

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

test('every handler file is named by its API key and API name, and its first comment agrees', async () => {
  const files = readdirSync(sourceDir).filter((f) => /^\d{2}-.*\.ts$/.test(f));
  assert.ok(files.length >= 30, `found only ${files.length} handler files`);
  for (const file of files) {
    const mod = (await import(join(compiledDir, file.replace(/\.ts$/, '.js')))) as { default: AnyHandler };
    const api = mod.default.api;
    assert.equal(file, `${String(api.apiKey).padStart(2, '0')}-${kebab(api.name)}.ts`, `${file} serves ${api.name} (key ${api.apiKey})`);
    const firstLine = readFileSync(join(sourceDir, file), 'utf8').split('\n')[0] ?? '';
    assert.match(firstLine, new RegExp(`^// ${api.name} \\(key ${api.apiKey}[),]`), `${file}: first comment line is "${firstLine}"`);
  }
});

test('the handler list holds each handler file exactly once', () => {
  const files = readdirSync(sourceDir).filter((f) => /^\d{2}-.*\.ts$/.test(f));
  const keys = handlers.map((h) => h.api.apiKey).sort((a, b) => a - b);
  assert.deepEqual(keys, [...new Set(keys)], 'a key is served twice');
  assert.deepEqual(keys, files.map((f) => Number(f.slice(0, 2))).sort((a, b) => a - b));
});
