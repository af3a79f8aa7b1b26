// The package's own name and version, read once from package.json so the CLI banner,
// `brook --version` and ApiVersions' software name/version (KIP-511) agree.
import { readFileSync } from 'node:fs';

interface PackageJson {
  name: string;
  version: string;
}

function findPackageJson(): PackageJson {
  // Compiled files live in dist/src/<layer>/, sources in src/<layer>/: walk up until found.
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    try {
      const parsed = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as PackageJson;
      if (parsed.name === 'brook') return parsed;
    } catch {
      // not here; keep walking up
    }
    dir = new URL('..', dir);
  }
  return { name: 'brook', version: '0.0.0' };
}

export const packageInfo: PackageJson = findPackageJson();
