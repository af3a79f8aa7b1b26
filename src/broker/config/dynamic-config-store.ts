// Durable home of dynamic broker config (IncrementalAlterConfigs/AlterConfigs on a broker
// resource), so changes made at run time survive a restart as they do in Kafka's metadata log.
//
// File format: `<data-dir>/meta/dynamic-broker-config`, replaced atomically (temp file,
// fdatasync, rename, fsync of meta/). The name has no `.json` suffix so the topic metadata store,
// which owns `meta/*.json`, never mistakes it for a topic. UTF-8 JSON, one object:
//
//   { "version": 1,
//     "node": { "log.retention.ms": "3600000" },          this node's values (DYNAMIC_BROKER_CONFIG)
//     "clusterDefault": { "num.partitions": "3" },        resource "" (DYNAMIC_DEFAULT_BROKER_CONFIG)
//     "crc32c": 305419896 }                              CRC-32C of the UTF-8 JSON without this key
//
// A missing file means no dynamic config. A file that does not parse or fails its CRC is an
// error at start: silently dropping an operator's settings would be worse than not starting.
import { join } from 'node:path';
import type { FileSystem } from '../../storage/index.js';
import { readFileIfExists, writeFileAtomic } from '../../storage/atomic-file.js';
import type { DynamicScope } from './broker-config.js';
import { decodeCheckedJson, encodeCheckedJson } from '../../storage/checked-json.js';

export const DYNAMIC_CONFIG_FILE = 'dynamic-broker-config';
const META_DIR = 'meta';

export type DynamicConfigSnapshot = Record<DynamicScope, Record<string, string>>;

interface FileV1 {
  version: 1;
  node: Record<string, string>;
  clusterDefault: Record<string, string>;
  crc32c?: number;
}

export class DynamicConfigStore {
  private readonly dir: string;

  constructor(
    private readonly fs: FileSystem,
    dataDir: string,
  ) {
    this.dir = join(dataDir, META_DIR);
  }

  get path(): string {
    return join(this.dir, DYNAMIC_CONFIG_FILE);
  }

  async load(): Promise<DynamicConfigSnapshot> {
    const buf = await readFileIfExists(this.fs, this.path);
    if (!buf) return { node: {}, 'cluster-default': {} };
    const decoded = decode(buf);
    if (typeof decoded === 'string') throw new Error(`dynamic broker config ${this.path} is unreadable (${decoded}); fix or remove it`);
    return decoded;
  }

  async save(snapshot: DynamicConfigSnapshot): Promise<void> {
    if (!(await this.fs.isDirectory(this.dir))) {
      await this.fs.mkdir(this.dir);
      await this.fs.syncDir(join(this.dir, '..'));
    }
    await writeFileAtomic(this.fs, this.dir, DYNAMIC_CONFIG_FILE, encode(snapshot));
  }
}

function encode(s: DynamicConfigSnapshot): Buffer {
  const body: FileV1 = { version: 1, node: s.node, clusterDefault: s['cluster-default'] };
  return encodeCheckedJson(body);
}

function decode(buf: Buffer): DynamicConfigSnapshot | string {
  const parsed = decodeCheckedJson<FileV1>(buf, 1);
  if (typeof parsed === 'string') return parsed;
  if (!isStringMap(parsed.node) || !isStringMap(parsed.clusterDefault)) return 'invalid fields';
  return { node: parsed.node, 'cluster-default': parsed.clusterDefault };
}

function isStringMap(x: unknown): x is Record<string, string> {
  return typeof x === 'object' && x !== null && Object.values(x).every((v) => typeof v === 'string');
}
