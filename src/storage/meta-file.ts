// One small metadata file under `<data-dir>/meta/` that a broker store replaces whole on every change
// (ACLs, client quotas, SCRAM credentials, dynamic broker config, group configs). The bytes are
// storage/checked-json.ts's format; the replace is writeFileAtomic's (temp file, fdatasync, rename,
// fsync of meta/), so a change is durable once write() resolves.
//
// Writes run one at a time in call order: each body is encoded when write() is called, so a later
// change can never be overtaken on disk by an earlier one that was slower to reach the file system.
// A file that is torn or fails its checks is an error at start, never half-read: every store that
// uses this would rather not start than serve with an operator's settings silently dropped.
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';
import { decodeCheckedJson, encodeCheckedJson } from './checked-json.js';
import type { FileSystem } from './fs/file-system.js';

export const META_DIR = 'meta';

export class MetaFile<T extends { version: number }> {
  readonly dir: string;
  private writing: Promise<void> = Promise.resolve();

  /** `what` names the file in errors ("ACL file", "SCRAM credentials", …). */
  constructor(
    private readonly fs: FileSystem,
    dataDir: string,
    readonly name: string,
    private readonly what: string,
  ) {
    this.dir = join(dataDir, META_DIR);
  }

  get path(): string {
    return join(this.dir, this.name);
  }

  /**
   * The body of version `version`, or undefined when there is no file. `check` says what is wrong with
   * the fields of a body that passed the CRC (null: nothing); any problem throws.
   */
  async read(version: number, check?: (body: T) => string | null): Promise<T | undefined> {
    const buf = await readFileIfExists(this.fs, this.path);
    if (!buf) return undefined;
    const parsed = decodeCheckedJson<T>(buf, version);
    const problem = typeof parsed === 'string' ? parsed : (check?.(parsed) ?? null);
    if (problem !== null) throw new Error(`${this.what} ${this.path} fails its checks (${problem}); restore or remove it`);
    return parsed as T;
  }

  /** Replaces the file with `body`, after every earlier write; durable when this resolves. */
  write(body: T): Promise<void> {
    const data = encodeCheckedJson(body);
    const write = this.writing.then(async () => {
      if (!(await this.fs.isDirectory(this.dir))) {
        await this.fs.mkdir(this.dir);
        await this.fs.syncDir(join(this.dir, '..'));
      }
      await writeFileAtomic(this.fs, this.dir, this.name, data);
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}
