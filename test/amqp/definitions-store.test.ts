// The AMQP definitions file (src/broker/amqp/definitions-store.ts): saves asked for while a write is
// in progress share the next write, and every caller's change is in the file once its save resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/storage/index.js';
import { DefinitionsStore, type QueueDefinition, type VhostDefinitions } from '../../src/broker/amqp/definitions-store.js';

/** Counts whole-file writes (each ends in one rename) and can hold the next one until released. */
class CountingFs extends MemoryFileSystem {
  writes = 0;
  private hold: Promise<void> | null = null;
  private release: (() => void) | null = null;

  holdNextWrite(): () => void {
    this.hold = new Promise<void>((r) => (this.release = r));
    return () => this.release?.();
  }

  override async rename(from: string, to: string): Promise<void> {
    this.writes++;
    const held = this.hold;
    this.hold = null;
    if (held) await held;
    return super.rename(from, to);
  }
}

function queue(name: string): QueueDefinition {
  return { name, topic: `__amqp.q.${name}`, type: 'classic', durable: true, exclusive: false, autoDelete: false, arguments: [] };
}

/**
 * A store on a counting file system, with the broker's state as the server's snapshot function sees
 * it: `declare` changes that state and asks for a save, as a queue.declare does.
 */
function setup(): { fs: CountingFs; declare: (name: string) => Promise<void>; declared: () => string[]; stored: () => Promise<string[]> } {
  const fs = new CountingFs();
  const store = new DefinitionsStore(fs, '/data');
  const queues: QueueDefinition[] = [];
  const snapshot = (): VhostDefinitions[] => [{ name: '/', exchanges: [], queues: [...queues], bindings: [] }];
  return {
    fs,
    declare: (name) => {
      queues.push(queue(name));
      return store.save(snapshot);
    },
    declared: () => queues.map((q) => q.name),
    stored: async () => (await store.load())[0]!.queues.map((q) => q.name),
  };
}

test('saves asked for in one turn are one write that holds every change', async () => {
  const t = setup();
  await Promise.all(Array.from({ length: 20 }, (_, i) => t.declare(`q${i}`)));
  assert.equal(t.fs.writes, 1);
  assert.deepEqual(await t.stored(), t.declared());
});

test('saves asked for while a write is in progress share the next write, which includes them all', async () => {
  const t = setup();
  const release = t.fs.holdNextWrite();
  const first = t.declare('first');
  // Let the first write reach its rename (held), so its snapshot is taken without the changes below.
  while (t.fs.writes === 0) await new Promise((r) => setImmediate(r));
  const later = Array.from({ length: 10 }, (_, i) => t.declare(`later${i}`));
  release();
  await first;
  await Promise.all(later);
  assert.equal(t.fs.writes, 2);
  assert.deepEqual(await t.stored(), t.declared());
});

test('a failed write rejects every save that shared it; the next save writes again', async () => {
  const t = setup();
  t.fs.failSyncs(() => true);
  const a = t.declare('a');
  const b = t.declare('b');
  await assert.rejects(a);
  await assert.rejects(b);
  t.fs.failSyncs(null);
  await t.declare('c');
  assert.deepEqual(await t.stored(), ['a', 'b', 'c']);
});
