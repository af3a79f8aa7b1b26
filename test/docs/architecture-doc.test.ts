// docs/ARCHITECTURE.md must stay true to the code: every code comment that cites it names it by its path
// (docs/ARCHITECTURE.md) and a section it has, and every module the page names exists. A renamed or removed
// module makes this fail until the page is updated in the same change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const doc = readFileSync(join(repoRoot, 'docs', 'ARCHITECTURE.md'), 'utf8');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'dist', '.git', '.cache', 'results'].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|js|mjs|cjs|sh)$/.test(name)) out.push(path);
  }
  return out;
}

test('code that cites the architecture document cites docs/ARCHITECTURE.md and a section it has', () => {
  const files = ['src', 'test', 'scripts', 'bench', 'examples'].flatMap((d) => sourceFiles(join(repoRoot, d)));
  files.push(join(repoRoot, '.dependency-cruiser.cjs'));
  let citations = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(\S*)ARCHITECTURE\.md(,? ([^)\n]*))?/g)) {
      if (file.endsWith('architecture-doc.test.ts')) continue;
      citations++;
      const where = `${relative(repoRoot, file)}: ${m[0]}`;
      assert.ok(m[1]!.endsWith('docs/'), `${where} must cite docs/ARCHITECTURE.md`);
      const section = m[3]?.replace(/["]/g, '').trim();
      if (section === undefined || section === '') continue;
      const principle = /^principle (\d)/.exec(section);
      if (principle) assert.match(doc, new RegExp(`^${principle[1]}\\. \\*\\*`, 'm'), `${where}: no principle ${principle[1]}`);
      else assert.match(doc, new RegExp(`^## ${section.split(':')[0]!.trim()}`, 'm'), `${where}: no section "${section}"`);
    }
  }
  assert.ok(citations >= 5, `found only ${citations} citations`);
});

test('every module and file the architecture document names exists', () => {
  const named = new Set<string>();
  for (const m of doc.matchAll(/`((?:[a-z0-9-]+\/)+[a-z0-9.-]+\.(?:ts|cjs))`/g)) named.add(m[1]!);
  assert.ok(named.size >= 30, `found only ${named.size} paths`);
  // A path is written from the repository root, from src/, or (in the layer table) from its layer's folder.
  const layers = readdirSync(join(repoRoot, 'src')).filter((d) => statSync(join(repoRoot, 'src', d)).isDirectory());
  const candidates = (p: string): string[] => [join(repoRoot, p), join(repoRoot, 'src', p), ...layers.map((l) => join(repoRoot, 'src', l, p))];
  const missing = [...named].filter((p) => !candidates(p).some((c) => existsSync(c)));
  assert.deepEqual(missing, [], 'named in docs/ARCHITECTURE.md but not in the tree');
  for (const dir of doc.matchAll(/\| `src\/([a-z]+)` \|/g)) assert.ok(existsSync(join(repoRoot, 'src', dir[1]!)), `src/${dir[1]} does not exist`);
});
