// What `brook start` loads before it listens. The Kafka client library (@platformatic/kafka, and the
// schema compiler it runs at import) is for the client layer: the embedded gateway, the CLI's client
// commands, streams. A broker started without the gateway must not load it: once it did (through one
// eager import of the client layer), and the time to listening doubled. A module-resolution hook in
// the child refuses the library, so an import of it anywhere on start's path fails the start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { killSpawned, LISTENING, spawnBrook } from '../helpers/brook-process.js';

const dir = mkdtempSync(join(tmpdir(), 'brook-start-imports-'));
after(() => {
  killSpawned();
  rmSync(dir, { recursive: true, force: true });
});

test('brook start --no-http listens without loading the Kafka client library', async () => {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.includes('/@platformatic/kafka/')) throw new Error('brook start loaded @platformatic/kafka: ' + specifier);
  return resolved;
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const data = join(dir, 'data');
  const brook = await spawnBrook(['start', '--port', '0', '--no-http', '--no-amqp', '--no-mqtt', '--data-dir', data], LISTENING, {
    NODE_OPTIONS: `--import ${pathToFileURL(register).href}`,
  });
  assert.match(brook.stdout(), LISTENING);
  assert.doesNotMatch(brook.stderr(), /@platformatic\/kafka/);
  brook.child.kill('SIGTERM');
  assert.equal(await brook.exited, 0);
});
