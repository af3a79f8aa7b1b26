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

/** The broker's state as the server's snapshot function sees it. */
function state(): { queues: QueueDefinition[]; snapshot: () => VhostDefinitions[] } {
  const queues: QueueDefinition[] = [];
  return { queues, snapshot: () => [{ name: '/', exchanges: [], queues: [...queues], bindings: [] }] };
}

test('saves asked for in one turn are one write that holds every change', async () => {
  const fs = new CountingFs();
  const store = new DefinitionsStore(fs, '/data');
  const s = state();
  const saves: Promise<void>[] = [];
  for (let i = 0; i < 20; i++) {
    s.queues.push(queue(`q${i}`));
    saves.push(store.save(s.snapshot));
  }
  await Promise.all(saves);
  assert.equal(fs.writes, 1);
  assert.deepEqual((await store.load())[0]!.queues.map((q) => q.name), s.queues.map((q) => q.name));
});

test('saves asked for while a write is in progress share the next write, which includes them all', async () => {
  const fs = new CountingFs();
  const store = new DefinitionsStore(fs, '/data');
  const s = state();
  const release = fs.holdNextWrite();
  s.queues.push(queue('first'));
  const first = store.save(s.snapshot);
  // Let the first write reach its rename (held), so its snapshot is taken without the changes below.
  while (fs.writes === 0) await new Promise((r) => setImmediate(r));
  const later: Promise<void>[] = [];
  for (let i = 0; i < 10; i++) {
    s.queues.push(queue(`later${i}`));
    later.push(store.save(s.snapshot));
  }
  release();
  await first;
  await Promise.all(later);
  assert.equal(fs.writes, 2);
  assert.deepEqual((await store.load())[0]!.queues.map((q) => q.name), s.queues.map((q) => q.name));
});

test('a failed write rejects every save that shared it; the next save writes again', async () => {
  const fs = new CountingFs();
  const store = new DefinitionsStore(fs, '/data');
  const s = state();
  fs.failSyncs(() => true);
  s.queues.push(queue('a'));
  const a = store.save(s.snapshot);
  s.queues.push(queue('b'));
  const b = store.save(s.snapshot);
  await assert.rejects(a);
  await assert.rejects(b);
  fs.failSyncs(null);
  s.queues.push(queue('c'));
  await store.save(s.snapshot);
  assert.deepEqual((await store.load())[0]!.queues.map((q) => q.name), ['a', 'b', 'c']);
});
