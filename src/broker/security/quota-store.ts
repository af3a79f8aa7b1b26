// The client quotas, durable under the data dir: `<data-dir>/meta/client-quotas`, replaced atomically
// (temp file, fdatasync, rename, fsync of meta/) before AlterClientQuotas answers. UTF-8 JSON, one object
// (storage/checked-json.ts):
//
//   { "version": 1,
//     "entities": [ { "entity": [["user", "alice"], ["client-id", null]],     null: the <default> name
//                     "quotas": { "producer_byte_rate": 1048576 } } ],
//     "crc32c": 305419896 }
//
// A missing file means no quotas. A file that does not parse or fails its CRC stops the broker from
// starting (quotas silently lost would lift every limit an operator set).
import type { FileSystem } from '../../storage/index.js';
import { MetaFile } from '../../storage/meta-file.js';
import { entityKey, type QuotaEntity } from './quota-model.js';

export const CLIENT_QUOTAS_FILE = 'client-quotas';

export interface StoredQuotas {
  entity: QuotaEntity;
  quotas: Map<string, number>;
}

interface FileShape {
  version: 1;
  entities: { entity: [string, string | null][]; quotas: Record<string, number> }[];
}

/** One change of AlterClientQuotas: a value to set, or null to remove the key. */
export type QuotaOps = ReadonlyMap<string, number | null>;

export class QuotaStore {
  private readonly byKey = new Map<string, StoredQuotas>();
  private readonly file: MetaFile<FileShape>;
  /** Bumped on every change (the quota manager's resolution caches key on it). */
  version = 0;

  constructor(fs: FileSystem, dataDir: string) {
    this.file = new MetaFile(fs, dataDir, CLIENT_QUOTAS_FILE, 'client quota file');
  }

  get path(): string {
    return this.file.path;
  }

  get all(): Iterable<StoredQuotas> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The quotas of one entity by its entityKey(). */
  get(key: string): ReadonlyMap<string, number> | undefined {
    return this.byKey.get(key)?.quotas;
  }

  async load(): Promise<void> {
    const parsed = await this.file.read(1, (body) => (Array.isArray(body.entities) ? null : 'no entities list'));
    if (!parsed) return;
    for (const e of parsed.entities) {
      const entity = new Map(e.entity);
      this.byKey.set(entityKey(entity), { entity, quotas: new Map(Object.entries(e.quotas)) });
    }
    this.version++;
  }

  /** Applies every entity's changes at once; durable when this resolves. */
  async alter(changes: readonly { entity: QuotaEntity; ops: QuotaOps }[]): Promise<void> {
    let changed = false;
    for (const { entity, ops } of changes) {
      const key = entityKey(entity);
      const current = this.byKey.get(key) ?? { entity: new Map(entity), quotas: new Map<string, number>() };
      for (const [k, v] of ops) {
        if (v === null) {
          if (current.quotas.delete(k)) changed = true;
        } else if (current.quotas.get(k) !== v) {
          current.quotas.set(k, v);
          changed = true;
        }
      }
      if (current.quotas.size === 0) this.byKey.delete(key);
      else this.byKey.set(key, current);
    }
    if (changed) await this.persist();
  }

  private persist(): Promise<void> {
    this.version++;
    return this.file.write({
      version: 1,
      entities: [...this.byKey.values()].map((s) => ({ entity: [...s.entity.entries()], quotas: Object.fromEntries(s.quotas) })),
    });
  }
}
