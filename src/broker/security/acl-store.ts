// The ACLs, durable under the data dir: `<data-dir>/meta/acls`, replaced atomically (temp file,
// fdatasync, rename, fsync of meta/) before CreateAcls/DeleteAcls answer. UTF-8 JSON, one object:
//
//   { "version": 1,
//     "acls": [ { "resourceType": 2, "resourceName": "orders", "patternType": 3, "principal": "User:alice",
//                 "host": "*", "operation": 3, "permission": 3 } ],          Kafka's wire codes (acl-model.ts)
//     "crc32c": 305419896 }          CRC-32C of the UTF-8 JSON without this key
//
// A missing file means no ACLs. A file that does not parse or fails its CRC stops the broker from
// starting: serving with ACLs silently lost could open or close everything.
import type { FileSystem } from '../../storage/index.js';
import { MetaFile } from '../../storage/meta-file.js';
import { filterMatches, sameBinding, type AclBinding, type AclFilter } from './acl-model.js';

export const ACLS_FILE = 'acls';

interface FileShape {
  version: 1;
  acls: AclBinding[];
}

export class AclStore {
  private bindings: AclBinding[] = [];
  private readonly file: MetaFile<FileShape>;
  /** Bumped on every change (the authorizer's caches key on it). */
  version = 0;

  constructor(fs: FileSystem, dataDir: string) {
    this.file = new MetaFile(fs, dataDir, ACLS_FILE, 'ACL file');
  }

  get path(): string {
    return this.file.path;
  }

  get all(): readonly AclBinding[] {
    return this.bindings;
  }

  async load(): Promise<void> {
    const parsed = await this.file.read(1, (body) => (Array.isArray(body.acls) ? null : 'no acls list'));
    if (!parsed) return;
    this.bindings = parsed.acls;
    this.version++;
  }

  /** Adds bindings (an existing identical one is kept once); durable when this resolves. */
  async add(bindings: readonly AclBinding[]): Promise<void> {
    for (const b of bindings) if (!this.bindings.some((x) => sameBinding(x, b))) this.bindings.push({ ...b });
    await this.persist();
  }

  /** Removes every binding matching any filter; resolves with what each filter removed. */
  async remove(filters: readonly AclFilter[]): Promise<AclBinding[][]> {
    const removed = filters.map((f) => this.bindings.filter((b) => filterMatches(f, b)));
    const gone = new Set(removed.flat());
    if (gone.size > 0) {
      this.bindings = this.bindings.filter((b) => !gone.has(b));
      await this.persist();
    }
    return removed;
  }

  private persist(): Promise<void> {
    this.version++;
    return this.file.write({ version: 1, acls: this.bindings });
  }
}
