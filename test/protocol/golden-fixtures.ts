// Loads the golden request frames captured from real clients (test/fixtures/golden/README.md).
// A fixture file is one whole request frame: int32 size, request header, body.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../helpers/paths.js';

export const goldenDir = join(fixturesDir, 'golden');

export interface GoldenFixture {
  client: string;
  /** `<client>/<file>`, for messages. */
  path: string;
  apiKey: number;
  /** The API name as the file spells it (kebab case). */
  apiName: string;
  version: number;
  /** Compression codec name for Produce, `member-id` for a JoinGroup carrying one; else null. */
  variant: string | null;
  frame: Buffer;
}

const NAME = /^(\d{2})-([a-z-]+?)-v(\d+)(?:-([a-z0-9-]+))?\.bin$/;

export function goldenClients(): string[] {
  return readdirSync(goldenDir)
    .filter((n) => statSync(join(goldenDir, n)).isDirectory())
    .sort();
}

export function loadGoldenFixtures(): GoldenFixture[] {
  const out: GoldenFixture[] = [];
  for (const client of goldenClients()) {
    for (const file of readdirSync(join(goldenDir, client)).sort()) {
      const m = NAME.exec(file);
      if (!m) continue; // records-<codec>.bin and other non-frame files
      out.push({
        client,
        path: `${client}/${file}`,
        apiKey: Number(m[1]),
        apiName: m[2]!,
        version: Number(m[3]),
        variant: m[4] ?? null,
        frame: readFileSync(join(goldenDir, client, file)),
      });
    }
  }
  return out;
}
