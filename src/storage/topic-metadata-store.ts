// The topic metadata store: one small JSON file per topic under `<data-dir>/meta/`, replaced
// atomically (temp file, fdatasync, rename, fsync of meta/). It is the source of truth for which
// topics exist; partition directories without a metadata file are never loaded.
//
// File format: `meta/<topic name>.json`, UTF-8 JSON, one object, keys in this order:
//
//   { "version": 1,                      format version
//     "name": "orders",                  topic name
//     "topicId": "AAAAAAAAAAAAAAAAAAAAAA", 16-byte topic id, base64url without padding (Kafka's display form)
//     "partitions": 3,                   partition count
//     "configs": { "retention.ms": "86400000" },  topic config overrides, as strings
//     "crc32c": 305419896 }              CRC-32C of the UTF-8 JSON of the object without this key
//
// A file that does not parse or whose CRC does not match is reported (logged, and listed by
// `loadAll`) and its topic is not loaded: an operator decides, storage never guesses.
import { join } from 'node:path';
import type { Logger } from '../util/logger.js';
import { writeFileAtomic } from './atomic-file.js';
import type { FileSystem } from './fs/file-system.js';
import { TMP_SUFFIX } from './segment-files.js';
import { decodeCheckedJson, encodeCheckedJson } from './checked-json.js';

export const META_DIR = 'meta';

export interface TopicMetadata {
  name: string;
  /** 16 bytes. */
  topicId: Buffer;
  partitions: number;
  configs: Record<string, string>;
}

interface TopicFileV1 {
  version: 1;
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
  crc32c?: number;
}

export function encodeTopicMetadata(t: TopicMetadata): Buffer {
  const body: TopicFileV1 = { version: 1, name: t.name, topicId: t.topicId.toString('base64url'), partitions: t.partitions, configs: t.configs };
  return encodeCheckedJson(body);
}

/** The metadata in `buf`, or a string saying why it is not valid. */
export function decodeTopicMetadata(buf: Buffer): TopicMetadata | string {
  const parsed = decodeCheckedJson<TopicFileV1>(buf, 1);
  if (typeof parsed === 'string') return parsed;
  const topicId = Buffer.from(String(parsed.topicId), 'base64url');
  if (topicId.length !== 16 || !Number.isInteger(parsed.partitions) || parsed.partitions < 1) return 'invalid fields';
  return { name: parsed.name, topicId, partitions: parsed.partitions, configs: parsed.configs ?? {} };
}

export class TopicMetadataStore {
  readonly dir: string;
  constructor(
    private readonly fs: FileSystem,
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.dir = join(dataDir, META_DIR);
  }

  /** Reads every topic file; invalid ones are logged and returned in `invalid`. */
  async loadAll(): Promise<{ topics: TopicMetadata[]; invalid: string[] }> {
    if (!(await this.fs.isDirectory(this.dir))) {
      await this.fs.mkdir(this.dir);
      await this.fs.syncDir(join(this.dir, '..'));
    }
    const topics: TopicMetadata[] = [];
    const invalid: string[] = [];
    for (const name of await this.fs.readdir(this.dir)) {
      const path = join(this.dir, name);
      if (name.endsWith(TMP_SUFFIX)) {
        await this.fs.unlink(path);
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const t = decodeTopicMetadata(await this.fs.readFile(path));
      if (typeof t === 'string' || `${t.name}.json` !== name) {
        const why = typeof t === 'string' ? t : 'name does not match the file';
        this.logger.error('ignoring invalid topic metadata file', { path, reason: why });
        invalid.push(path);
      } else topics.push(t);
    }
    return { topics, invalid };
  }

  write(t: TopicMetadata): Promise<void> {
    return writeFileAtomic(this.fs, this.dir, `${t.name}.json`, encodeTopicMetadata(t));
  }

  async remove(name: string): Promise<void> {
    await this.fs.unlink(join(this.dir, `${name}.json`));
    await this.fs.syncDir(this.dir);
  }
}
