// Durable home of group configs (KIP-848: DescribeConfigs/IncrementalAlterConfigs on GROUP resources),
// which Kafka keeps in its metadata log; here beside the other run-time configs.
//
// File format: `<data-dir>/meta/group-configs`, replaced atomically (temp file, fdatasync, rename, fsync
// of meta/). No `.json` suffix, so the topic metadata store, which owns `meta/*.json`, never reads it.
// UTF-8 JSON, one object:
//
//   { "version": 1,
//     "groups": { "orders-app": { "consumer.session.timeout.ms": "60000" } },
//     "crc32c": 305419896 }                              CRC-32C of the UTF-8 JSON without this key
//
// A missing file means no group has configs. A file that does not parse or fails its CRC stops the
// broker at start: silently dropping an operator's settings would be worse than not starting.
import { join } from 'node:path';
import { crc32c } from '../../protocol/records/crc32c.js';
import { readFileIfExists, writeFileAtomic } from '../../storage/atomic-file.js';
import type { FileSystem } from '../../storage/index.js';

export const GROUP_CONFIG_FILE = 'group-configs';
const META_DIR = 'meta';

type Snapshot = Record<string, Record<string, string>>;

export class GroupConfigStore {
  private readonly dir: string;

  constructor(
    private readonly fs: FileSystem,
    dataDir: string,
  ) {
    this.dir = join(dataDir, META_DIR);
  }

  get path(): string {
    return join(this.dir, GROUP_CONFIG_FILE);
  }

  async load(): Promise<Map<string, Record<string, string>>> {
    const buf = await readFileIfExists(this.fs, this.path);
    if (!buf) return new Map();
    const decoded = decode(buf);
    if (typeof decoded === 'string') throw new Error(`group configs ${this.path} are unreadable (${decoded}); fix or remove the file`);
    return new Map(Object.entries(decoded));
  }

  async save(groups: ReadonlyMap<string, Record<string, string>>): Promise<void> {
    if (!(await this.fs.isDirectory(this.dir))) {
      await this.fs.mkdir(this.dir);
      await this.fs.syncDir(join(this.dir, '..'));
    }
    const body = { version: 1, groups: Object.fromEntries([...groups].filter(([, v]) => Object.keys(v).length > 0)) };
    const crc = crc32c(Buffer.from(JSON.stringify(body), 'utf8'));
    await writeFileAtomic(this.fs, this.dir, GROUP_CONFIG_FILE, Buffer.from(JSON.stringify({ ...body, crc32c: crc }) + '\n', 'utf8'));
  }
}

function decode(buf: Buffer): Snapshot | string {
  let parsed: { version?: unknown; groups?: unknown; crc32c?: unknown };
  try {
    parsed = JSON.parse(buf.toString('utf8')) as typeof parsed;
  } catch {
    return 'not JSON';
  }
  if (parsed.version !== 1) return `unknown version ${String(parsed.version)}`;
  const { crc32c: stored, ...body } = parsed;
  if (stored !== crc32c(Buffer.from(JSON.stringify(body), 'utf8'))) return 'CRC-32C mismatch';
  const groups = parsed.groups;
  if (typeof groups !== 'object' || groups === null) return 'invalid fields';
  for (const v of Object.values(groups as Record<string, unknown>)) {
    if (typeof v !== 'object' || v === null || !Object.values(v as Record<string, unknown>).every((x) => typeof x === 'string')) return 'invalid fields';
  }
  return groups as Snapshot;
}
