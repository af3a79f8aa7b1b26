// The filesystem implementations every contract suite runs against.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSystem } from '../../../src/storage/fs/file-system.js';
import { MemoryFileSystem } from '../../../src/storage/fs/memory-file-system.js';
import { NodeFileSystem } from '../../../src/storage/fs/node-file-system.js';

export interface FsFixture {
  fs: FileSystem;
  root: string;
  cleanup(): void;
}

export const fsImplementations: { name: string; make(): FsFixture }[] = [
  {
    name: 'memory',
    make: () => ({ fs: new MemoryFileSystem(), root: '/data', cleanup: () => {} }),
  },
  {
    name: 'node',
    make: () => {
      const root = mkdtempSync(join(tmpdir(), 'brook-storage-'));
      return { fs: new NodeFileSystem(), root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
    },
  },
];
