// The gateway suite's PyPI virtualenv (confluent-kafka with its Schema Registry serializers,
// schemathesis), made by scripts/python-venv.sh from test/gateway/requirements.txt. Missing under
// CI=true is a failure (ensure-test-deps.sh creates it), elsewhere a skip.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../helpers/paths.js';
import { skipUnless } from '../helpers/real-clients.js';

export const gatewayVenv = join(repoRoot, '.cache', 'venv-gateway');
export const venvPython = join(gatewayVenv, 'bin', 'python');
export const clientsDir = join(repoRoot, 'test', 'gateway', 'clients');

let ok: boolean | undefined;
export function skipWithoutVenv(): string | false {
  ok ??= existsSync(venvPython) && spawnSync(venvPython, ['-c', 'import confluent_kafka.schema_registry, schemathesis'], { stdio: 'ignore' }).status === 0;
  return skipUnless(ok, 'the gateway PyPI virtualenv (scripts/python-venv.sh gateway test/gateway/requirements.txt)');
}
