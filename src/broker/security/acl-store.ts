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
import { join } from 'node:path';
import { decodeCheckedJson, encodeCheckedJson } from '../../storage/checked-json.js';
import type { FileSystem } from '../../storage/index.js';
import { readFileIfExists, writeFileAtomic } from '../../storage/atomic-file.js';
import { filterMatches, sameBinding, type AclBinding, type AclFilter } from './acl-model.js';

export const ACLS_FILE = 'acls';

export class AclStore {
  private bindings: AclBinding[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly dir: string;
  /** Bumped on every change (the authorizer's caches key on it). */
  version = 0;

  constructor(
    private readonly fs: FileSystem,
    dataDir: string,
  ) {
    this.dir = join(dataDir, 'meta');
  }

  get path(): string {
    return join(this.dir, ACLS_FILE);
  }

  get all(): readonly AclBinding[] {
    return this.bindings;
  }

  async load(): Promise<void> {
    const buf = await readFileIfExists(this.fs, this.path);
    if (!buf) return;
    const parsed = decodeCheckedJson<{ version: 1; acls: AclBinding[] }>(buf, 1);
    if (typeof parsed === 'string' || !Array.isArray(parsed.acls)) {
      throw new Error(`ACL file ${this.path} fails its checks (${typeof parsed === 'string' ? parsed : 'no acls list'}); restore or remove it`);
    }
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

  private async persist(): Promise<void> {
    this.version++;
    const body = { version: 1, acls: this.bindings };
    const data = encodeCheckedJson(body);
    const write = this.writing.then(async () => {
      if (!(await this.fs.isDirectory(this.dir))) {
        await this.fs.mkdir(this.dir);
        await this.fs.syncDir(join(this.dir, '..'));
      }
      await writeFileAtomic(this.fs, this.dir, ACLS_FILE, data);
    });
    this.writing = write.catch(() => undefined);
    await write;
  }
}
