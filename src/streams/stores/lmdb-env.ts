// Opening an LMDB environment for one persistent store, and the checkpoint protocol every
// persistent store shares (see lmdb-kv-store.ts for why LMDB, and for the protocol itself):
// the `meta` database holds `checkpoint` = { "version": 1, "offset": "<next changelog offset>" },
// written only on a clean close that followed a commit with no writes since, and removed as soon
// as the store opens; a store opened without one clears its data and is restored in full.

import { join } from 'node:path';

/** The slice of lmdb-js the stores use (so the modules type-check before the dependency is added). */
export interface LmdbDatabase {
  getBinary(key: Buffer): Buffer | undefined;
  get(key: string): unknown;
  putSync(key: Buffer | string, value: unknown): void;
  removeSync(key: Buffer | string): boolean;
  transactionSync<T>(action: () => T): T;
  clearSync(): void;
  getRange(options?: { start?: Buffer; end?: Buffer; limit?: number }): Iterable<{ key: Buffer; value: Buffer }>;
  getCount(): number;
}
export interface LmdbRoot extends LmdbDatabase {
  openDB(options: { name: string; encoding?: string; keyEncoding?: string }): LmdbDatabase;
  close(): Promise<void>;
}
interface LmdbModule {
  open(options: { path: string; encoding?: string; keyEncoding?: string; noSync?: boolean }): LmdbRoot;
}

const lmdbModuleName = 'lmdb';
let lmdbModule: Promise<LmdbModule> | undefined;

export function loadLmdb(): Promise<LmdbModule> {
  lmdbModule ??= import(lmdbModuleName) as Promise<LmdbModule>;
  return lmdbModule;
}

/** One store's LMDB environment: named binary databases plus the checkpoint lifecycle. */
export class LmdbEnv {
  private dirtySinceCommit = false;
  private lastCommittedOffset: bigint | undefined;

  private constructor(
    private readonly root: LmdbRoot,
    private readonly meta: LmdbDatabase,
    readonly databases: ReadonlyMap<string, LmdbDatabase>,
    /** The checkpoint found at open (consumed), or undefined: restore everything. */
    readonly restoredFrom: bigint | undefined,
  ) {}

  static async open(dir: string, storeName: string, databaseNames: readonly string[]): Promise<LmdbEnv> {
    const lmdb = await loadLmdb();
    // noSync: durability comes from the changelog; the checkpoint protocol tolerates lost local writes.
    const root = lmdb.open({ path: join(dir, storeName), noSync: true });
    const meta = root.openDB({ name: 'meta', encoding: 'json' });
    const databases = new Map(databaseNames.map((name) => [name, root.openDB({ name, encoding: 'binary', keyEncoding: 'binary' })]));
    const cp = meta.get('checkpoint') as { offset?: string } | undefined;
    meta.removeSync('checkpoint');
    if (cp?.offset === undefined) for (const db of databases.values()) db.clearSync();
    return new LmdbEnv(root, meta, databases, cp?.offset === undefined ? undefined : BigInt(cp.offset));
  }

  db(name: string): LmdbDatabase {
    const db = this.databases.get(name);
    if (!db) throw new Error(`LMDB database '${name}' was not opened`);
    return db;
  }

  transaction<T>(action: () => T): T {
    return this.root.transactionSync(action);
  }

  /** A local write happened that the next commit's changelog offset must cover. */
  touched(): void {
    this.dirtySinceCommit = true;
  }

  committed(changelogEndOffset: bigint): void {
    this.lastCommittedOffset = changelogEndOffset;
    this.dirtySinceCommit = false;
  }

  async close(): Promise<void> {
    if (!this.dirtySinceCommit && this.lastCommittedOffset !== undefined) {
      this.meta.putSync('checkpoint', { version: 1, offset: this.lastCommittedOffset.toString() });
    }
    await this.root.close();
  }
}
