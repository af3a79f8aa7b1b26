// Paths tests share: the repository root (tests run from dist/test/..., fixtures live in the source tree).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const cliEntry = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
