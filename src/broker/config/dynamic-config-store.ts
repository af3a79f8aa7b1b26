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
import type { FileSystem } from '../../storage/index.js';
import { MetaFile } from '../../storage/meta-file.js';
import type { DynamicScope } from './broker-config.js';

export const DYNAMIC_CONFIG_FILE = 'dynamic-broker-config';

export type DynamicConfigSnapshot = Record<DynamicScope, Record<string, string>>;

interface FileV1 {
  version: 1;
  node: Record<string, string>;
  clusterDefault: Record<string, string>;
}

export class DynamicConfigStore {
  private readonly file: MetaFile<FileV1>;

  constructor(fs: FileSystem, dataDir: string) {
    this.file = new MetaFile(fs, dataDir, DYNAMIC_CONFIG_FILE, 'dynamic broker config');
  }

  get path(): string {
    return this.file.path;
  }

  async load(): Promise<DynamicConfigSnapshot> {
    const parsed = await this.file.read(1, (body) => (isStringMap(body.node) && isStringMap(body.clusterDefault) ? null : 'invalid fields'));
    if (!parsed) return { node: {}, 'cluster-default': {} };
    return { node: parsed.node, 'cluster-default': parsed.clusterDefault };
  }

  save(snapshot: DynamicConfigSnapshot): Promise<void> {
    return this.file.write({ version: 1, node: snapshot.node, clusterDefault: snapshot['cluster-default'] });
  }
}

function isStringMap(x: unknown): x is Record<string, string> {
  return typeof x === 'object' && x !== null && Object.values(x).every((v) => typeof v === 'string');
}
