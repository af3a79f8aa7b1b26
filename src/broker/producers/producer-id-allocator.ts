// Hands out producer ids for InitProducerId, never the same one twice, even across restarts.
//
// Ids are reserved in blocks (as Kafka's controller hands brokers blocks of 1000 through
// AllocateProducerIds, KIP-730): before the first id of a block is given out, the end of the block is
// persisted, so after a crash the next run starts past every id that may have reached a client.
// A crash wastes at most the rest of one block.
//
// File `<data-dir>/meta/producer-ids`, replaced atomically (temp, fdatasync, rename, fsync dir):
//   {"version":1,"nextBlockStart":<int>,"crc":<CRC-32C of the JSON without the crc field>}
// A missing file starts at 0. A file that does not parse or fails its CRC stops the broker: guessing
// could hand out an id that is still in use. The name has no `.json` suffix because the topic metadata
// store owns `meta/*.json` (a topic named `producer-ids` would otherwise share the file). Earlier
// versions wrote `producer-ids.json`: it is read when the new file is missing (if it has this format —
// else it is that topic's metadata) and removed once the new file is durable.
import { join } from 'node:path';
import type { FileSystem } from '../../storage/index.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { crc32c } from '../../protocol/records/crc32c.js';

export const PRODUCER_ID_FILE = 'producer-ids';
const LEGACY_PRODUCER_ID_FILE = 'producer-ids.json';
export const PRODUCER_ID_BLOCK = 1000;

interface Persisted {
  version: 1;
  nextBlockStart: number;
}

export class ProducerIdAllocator {
  private next = 0;
  private blockEnd = 0;
  private reserving: Promise<void> | null = null;

  private constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    start: number,
    /** The pre-rename file this state came from, removed after the first persist. */
    private legacyPath: string | null,
  ) {
    this.next = start;
    this.blockEnd = start;
  }

  static async open(fs: FileSystem, metaDir: string): Promise<ProducerIdAllocator> {
    if (!(await fs.isDirectory(metaDir))) await fs.mkdir(metaDir);
    const path = join(metaDir, PRODUCER_ID_FILE);
    if (await fs.exists(path)) return new ProducerIdAllocator(fs, metaDir, parse((await fs.readFile(path)).toString('utf8'), path), null);
    const legacy = join(metaDir, LEGACY_PRODUCER_ID_FILE);
    if (await fs.exists(legacy)) {
      try {
        return new ProducerIdAllocator(fs, metaDir, parse((await fs.readFile(legacy)).toString('utf8'), legacy), legacy);
      } catch {
        // Not an allocator file: the metadata of a topic named `producer-ids`.
      }
    }
    return new ProducerIdAllocator(fs, metaDir, 0, null);
  }

  /** The first id never handed out (ids below it may be in use by some producer). */
  get nextId(): number {
    return this.next;
  }

  /** A fresh producer id; persists a new block first when the current one is used up. */
  async allocate(): Promise<number> {
    while (this.next >= this.blockEnd) {
      this.reserving ??= this.persist(this.blockEnd + PRODUCER_ID_BLOCK).finally(() => (this.reserving = null));
      await this.reserving;
    }
    return this.next++;
  }

  private async persist(nextBlockStart: number): Promise<void> {
    const body: Persisted = { version: 1, nextBlockStart };
    const json = JSON.stringify(body);
    const data = Buffer.from(JSON.stringify({ ...body, crc: crc32c(Buffer.from(json)) }) + '\n');
    await writeFileAtomic(this.fs, this.dir, PRODUCER_ID_FILE, data);
    this.blockEnd = nextBlockStart;
    if (this.legacyPath) {
      await this.fs.unlink(this.legacyPath);
      await this.fs.syncDir(this.dir);
      this.legacyPath = null;
    }
  }
}

function parse(text: string, path: string): number {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const o = v as { version?: unknown; nextBlockStart?: unknown; crc?: unknown };
  if (o.version !== 1 || typeof o.nextBlockStart !== 'number' || !Number.isSafeInteger(o.nextBlockStart) || o.nextBlockStart < 0) {
    throw new Error(`${path} has an unknown format`);
  }
  const expected = crc32c(Buffer.from(JSON.stringify({ version: 1, nextBlockStart: o.nextBlockStart })));
  if (o.crc !== expected) throw new Error(`${path} fails its checksum`);
  return o.nextBlockStart;
}
