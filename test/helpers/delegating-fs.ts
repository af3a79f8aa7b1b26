// A FileSystem that hands every call to another one: the base of the tests' filesystems that
// change one or two calls (hold an fdatasync, count writes) and leave the rest alone.
import type { FileHandle, FileSystem, OpenMode } from '../../src/storage/fs/file-system.js';

export class DelegatingFileSystem implements FileSystem {
  constructor(protected readonly disk: FileSystem) {}

  open(path: string, mode: OpenMode): Promise<FileHandle> {
    return this.disk.open(path, mode);
  }
  readFile(path: string): Promise<Buffer> {
    return this.disk.readFile(path);
  }
  mkdir(path: string): Promise<void> {
    return this.disk.mkdir(path);
  }
  readdir(path: string): Promise<string[]> {
    return this.disk.readdir(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.disk.rename(from, to);
  }
  unlink(path: string): Promise<void> {
    return this.disk.unlink(path);
  }
  removeTree(path: string): Promise<void> {
    return this.disk.removeTree(path);
  }
  exists(path: string): Promise<boolean> {
    return this.disk.exists(path);
  }
  isDirectory(path: string): Promise<boolean> {
    return this.disk.isDirectory(path);
  }
  syncDir(path: string): Promise<void> {
    return this.disk.syncDir(path);
  }
}
