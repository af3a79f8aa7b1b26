// The committed generated files must equal what the generator produces from the message
// definitions (extracted from the kafka-clients jars by scripts/kafka-definitions.sh, which the
// test setup runs). Skipped when they are not extracted, except under CI, where that fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { generate } from '../../scripts/generate-protocol.js';
import { repoRoot } from '../helpers/paths.js';

const release = JSON.parse(readFileSync(join(repoRoot, 'scripts', 'kafka-release.json'), 'utf8')) as {
  kafka: string;
  legacyDefinitions: string;
};
const definitions = (version: string): string => join(repoRoot, '.cache', 'kafka-definitions', version);
const dirs = { current: definitions(release.kafka), legacy: definitions(release.legacyDefinitions) };
const present = existsSync(join(dirs.current, '.complete')) && existsSync(join(dirs.legacy, '.complete'));
const messagesDir = join(repoRoot, 'src', 'protocol', 'messages');
const schemaFile = join(repoRoot, 'test', 'protocol', 'generated', 'message-schemas.ts');

test('generated protocol files are up to date', { skip: !present && process.env.CI !== 'true' && 'message definitions not extracted (scripts/kafka-definitions.sh)' }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'brook-gen-'));
  try {
    const outDir = join(tmp, 'messages');
    const schemaOut = join(tmp, 'message-schemas.ts');
    generate(dirs, outDir, schemaOut);
    const fresh = readdirSync(outDir).filter((n) => n.endsWith('.ts')).sort();
    const committed = readdirSync(messagesDir).filter((n) => n.endsWith('.ts')).sort();
    assert.deepEqual(committed, fresh, 'set of generated modules differs: run `npm run generate`');
    for (const name of fresh) {
      const same = readFileSync(join(outDir, name), 'utf8') === readFileSync(join(messagesDir, name), 'utf8');
      assert.ok(same, `src/protocol/messages/${name} is stale: run \`npm run generate\``);
    }
    assert.ok(
      readFileSync(schemaOut, 'utf8') === readFileSync(schemaFile, 'utf8'),
      `test/protocol/generated/${basename(schemaFile)} is stale: run \`npm run generate\``,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
