// A filesystem for tests of what a confirm waits for: the real disk (NodeFileSystem), except that
// while `hold()` is on, fdatasync of AMQP queue logs (`__amqp.q.*` segment .log files) does not
// finish until `release()`. Everything else, the queue state log included, syncs as usual.
import { NodeFileSystem, type FileHandle, type OpenMode } from '../../src/storage/index.js';
import { DelegatingFileSystem } from '../helpers/delegating-fs.js';

const QUEUE_LOG = /__amqp\.q\.[^/]*\/[0-9]+\.log$/;

export class HeldSyncFileSystem extends DelegatingFileSystem {
  constructor() {
    super(new NodeFileSystem());
  }

  private gate: Promise<void> | null = null;
  private open_: (() => void) | null = null;
  /** Queue-log syncs started while held (and so still waiting, until release()). */
  heldSyncs = 0;

  hold(): void {
    if (this.gate) return;
    this.gate = new Promise((resolve) => (this.open_ = resolve));
  }

  release(): void {
    this.open_?.();
    this.gate = null;
    this.open_ = null;
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const h = await this.disk.open(path, mode);
    if (!QUEUE_LOG.test(path)) return h;
    return {
      path: h.path,
      writev: (chunks, position) => h.writev(chunks, position),
      read: (buf, offset, length, position) => h.read(buf, offset, length, position),
      truncate: (size) => h.truncate(size),
      size: () => h.size(),
      close: () => h.close(),
      datasync: async () => {
        const gate = this.gate;
        if (gate) {
          this.heldSyncs++;
          await gate;
        }
        await h.datasync();
      },
    };
  }
}
