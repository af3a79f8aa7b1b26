// The durable AMQP definitions: virtual hosts, durable exchanges, durable queues and the bindings
// between durable ends, in one file replaced atomically (temp file, fdatasync, rename, fsync of the
// directory) after every change, before the declaring method is answered.
//
// File: `<data-dir>/meta/amqp/definitions.json`, UTF-8 JSON, keys in this order:
//
//   { "version": 1,
//     "vhosts": [ { "name": "/",
//                   "exchanges": [ { "name", "type", "durable", "autoDelete", "internal", "arguments" } ],
//                   "queues":    [ { "name", "topic", "type", "autoDelete", "arguments" } ],
//                   "bindings":  [ { "source", "destinationKind", "destination", "routingKey", "arguments" } ] } ],
//     "crc32c": 12345 }
//
// `arguments` are field tables in their AMQP wire form, base64 (exact: every value type and the
// entry order survive). `topic` is the internal topic holding the queue's messages. The CRC-32C
// covers the UTF-8 JSON of the object without the crc32c key. Recovery: a file that does not parse,
// has an unknown version or a wrong CRC stops the AMQP listener from starting (an operator
// decides; nothing is guessed or overwritten); a stale `.tmp` from a crash is ignored.
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../../storage/atomic-file.js';
import type { FileSystem } from '../../storage/index.js';
import { decodeTable, encodeTable, type FieldTable } from '../../amqp/index.js';
import type { BindingDefinition, ExchangeDefinition, ExchangeType } from './exchange.js';
import { decodeCheckedJson, encodeCheckedJson } from '../../storage/checked-json.js';

export interface QueueDefinition {
  name: string;
  /** The internal topic holding the queue's log. */
  topic: string;
  type: 'classic' | 'quorum' | 'stream';
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
}

export interface VhostDefinitions {
  name: string;
  exchanges: ExchangeDefinition[];
  queues: QueueDefinition[];
  bindings: BindingDefinition[];
}

interface FileV1 {
  version: 1;
  vhosts: {
    name: string;
    exchanges: { name: string; type: string; durable: boolean; autoDelete: boolean; internal: boolean; arguments: string }[];
    queues: { name: string; topic: string; type: string; autoDelete: boolean; arguments: string }[];
    bindings: { source: string; destinationKind: string; destination: string; routingKey: string; arguments: string }[];
  }[];
  crc32c?: number;
}

const t64 = (t: FieldTable): string => encodeTable(t).toString('base64');
const fromT64 = (s: string): FieldTable => decodeTable(Buffer.from(s, 'base64'));

export function encodeDefinitions(vhosts: readonly VhostDefinitions[]): Buffer {
  const body: FileV1 = {
    version: 1,
    vhosts: vhosts.map((v) => ({
      name: v.name,
      exchanges: v.exchanges.map((e) => ({ name: e.name, type: e.type, durable: e.durable, autoDelete: e.autoDelete, internal: e.internal, arguments: t64(e.arguments) })),
      queues: v.queues.map((q) => ({ name: q.name, topic: q.topic, type: q.type, autoDelete: q.autoDelete, arguments: t64(q.arguments) })),
      bindings: v.bindings.map((b) => ({ source: b.source, destinationKind: b.destinationKind, destination: b.destination, routingKey: b.routingKey, arguments: t64(b.arguments) })),
    })),
  };
  return encodeCheckedJson(body);
}

export function decodeDefinitions(buf: Buffer): VhostDefinitions[] | string {
  const parsed = decodeCheckedJson<FileV1>(buf, 1);
  if (typeof parsed === 'string') return parsed;
  try {
    return parsed.vhosts.map((v) => ({
      name: v.name,
      exchanges: v.exchanges.map((e) => ({ name: e.name, type: e.type as ExchangeType, durable: e.durable, autoDelete: e.autoDelete, internal: e.internal, arguments: fromT64(e.arguments) })),
      queues: v.queues.map((q) => ({ name: q.name, topic: q.topic, type: q.type as QueueDefinition['type'], durable: true, exclusive: false, autoDelete: q.autoDelete, arguments: fromT64(q.arguments) })),
      bindings: v.bindings.map((b) => ({ source: b.source, destinationKind: b.destinationKind as 'queue' | 'exchange', destination: b.destination, routingKey: b.routingKey, arguments: fromT64(b.arguments) })),
    }));
  } catch (e) {
    return `invalid content: ${String(e)}`;
  }
}

export class DefinitionsStore {
  private chain: Promise<void> = Promise.resolve();
  /** The write waiting behind the one in progress (not started, so its snapshot is not taken yet). */
  private queued: Promise<void> | null = null;
  private readonly dir: string;

  constructor(
    private readonly fs: FileSystem,
    dataDir: string,
  ) {
    this.dir = join(dataDir, 'meta', 'amqp');
  }

  get path(): string {
    return join(this.dir, 'definitions.json');
  }

  /** The stored definitions, or [] when none were ever written; throws on a damaged file. */
  async load(): Promise<VhostDefinitions[]> {
    const buf = await readFileIfExists(this.fs, this.path);
    if (!buf) return [];
    const d = decodeDefinitions(buf);
    if (typeof d === 'string') throw new Error(`${this.path}: ${d}; fix or remove it to start the AMQP listener`);
    return d;
  }

  /**
   * Writes a snapshot of the definitions; resolves once a write that includes the caller's change is
   * durable. Writes are serialized, and the snapshot is taken when a write starts, so every save
   * asked for while one is being written joins the one write queued after it (many connections
   * declaring at once share fsyncs instead of waiting for one write each). `snapshot` must read the
   * same state whoever asks (the server passes one function over all vhosts).
   */
  save(snapshot: () => VhostDefinitions[]): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.chain.then(async () => {
      // From here on this write's snapshot may already be taken: a later change needs the next write.
      this.queued = null;
      await this.fs.mkdir(this.dir);
      await writeFileAtomic(this.fs, this.dir, 'definitions.json', encodeDefinitions(snapshot()));
    });
    this.queued = next;
    this.chain = next.catch(() => {});
    return next;
  }
}
