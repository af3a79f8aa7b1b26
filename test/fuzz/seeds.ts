// The fuzzer's starting corpus: every golden frame captured from real clients (test/fixtures/golden),
// plus one request with default field values for each served API at its lowest and highest version
// (so APIs no captured client sent are reached too), plus every saved regression input.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRequestFrame } from '../../src/protocol/headers.js';
import { apiByKey } from '../../src/protocol/messages/index.js';
import { handlers } from '../../src/broker/handlers/index.js';
import { loadGoldenFixtures } from '../protocol/golden-fixtures.js';
import { fixturesDir } from '../helpers/paths.js';

/** Saved inputs that once failed (hex, one file each), replayed on every run. */
export const regressionsDir = join(fixturesDir, 'fuzz-regressions');

export function regressionInputs(): Buffer[] {
  if (!existsSync(regressionsDir)) return [];
  return readdirSync(regressionsDir)
    .filter((n) => n.endsWith('.hex'))
    .sort()
    .map((n) => Buffer.from(readFileSync(join(regressionsDir, n), 'utf8').trim(), 'hex'));
}

export function seedInputs(): Buffer[] {
  const seeds = loadGoldenFixtures().map((f) => f.frame.subarray(4));
  for (const h of handlers) {
    const api = apiByKey(h.api.apiKey)!;
    for (const version of new Set([h.minVersion, h.maxVersion])) {
      try {
        seeds.push(encodeRequestFrame({ apiKey: api.apiKey, apiVersion: version, correlationId: 1, clientId: 'fuzz' }, api.request, {} as never).subarray(4));
      } catch {
        // a version whose defaults cannot be encoded gets no synthetic seed
      }
    }
  }
  return [...regressionInputs(), ...seeds];
}

/** API keys and version ranges the mutator may switch frames to. */
export function servedApis(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return handlers.map((h) => ({ apiKey: h.api.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
}
