// A small Confluent Schema Registry client for brook/streams serdes: it speaks the registry's
// HTTP API (Brook's gateway, or Confluent Schema Registry itself), so the registry stays the one
// place that allocates schema ids. Serdes talk HTTP rather than read `_schemas` themselves for
// that reason: reading the topic could find a schema, but only the registry may register one.
//
// Serdes are synchronous (Serde.deserialize returns a value), while HTTP is not: everything a serde
// needs is fetched when it is created, and a record written with a schema id seen for the first
// time (a newer producer's schema) is fetched synchronously once — a worker thread does the HTTP
// request while this thread waits on an Atomics slot — and cached from then on.
import { Worker } from 'node:worker_threads';

export type RegistrySchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface RegisteredSchema {
  id: number;
  schemaType: RegistrySchemaType;
  schema: string;
}

export interface SchemaRegistryOptions {
  /** Base URL, e.g. http://localhost:8080 (Brook) or http://localhost:8081 (Confluent). */
  url: string;
  /** Extra headers (authentication). */
  headers?: Record<string, string>;
  /** Limit on one HTTP request, in ms (default 10 s). */
  timeoutMs?: number;
}

export class SchemaRegistryError extends Error {
  override readonly name = 'SchemaRegistryError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: number,
  ) {
    super(message);
  }
}

const MEDIA = 'application/vnd.schemaregistry.v1+json';

// The synchronous fetch: a one-off worker GETs the URL, writes the body into a shared buffer and
// wakes the caller. Used only for an id not seen before, so its cost (a thread start) is paid once.
const SYNC_WORKER = `
const { workerData } = require('node:worker_threads');
const { url, headers, timeoutMs, state, body } = workerData;
const flag = new Int32Array(state);
const finish = (status, text) => {
  const bytes = Buffer.from(text, 'utf8');
  const out = new Uint8Array(body);
  const n = Math.min(bytes.length, out.length);
  out.set(bytes.subarray(0, n));
  flag[1] = status;
  flag[2] = n;
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};
fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
  .then(async (r) => finish(r.status, await r.text()))
  .catch((e) => finish(-1, String(e && e.message || e)));
`;

const MAX_SYNC_BODY = 4 * 1024 * 1024;

export class SchemaRegistryClient {
  private readonly byId = new Map<number, RegisteredSchema>();
  private readonly timeoutMs: number;

  constructor(private readonly options: SchemaRegistryOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private url(path: string): string {
    return `${this.options.url.replace(/\/+$/, '')}${path}`;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(this.url(path), {
      method,
      headers: { accept: MEDIA, ...(body !== undefined ? { 'content-type': MEDIA } : {}), ...this.options.headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await r.text();
    const json = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!r.ok) {
      const e = (json ?? {}) as { error_code?: number; message?: string };
      throw new SchemaRegistryError(`${method} ${path}: ${e.message ?? r.statusText}`, r.status, e.error_code ?? r.status);
    }
    return json as T;
  }

  /** Registers (or finds) `schema` under `subject`; returns its global id. */
  async register(subject: string, schema: string, schemaType: RegistrySchemaType): Promise<number> {
    const { id } = await this.request<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, schemaType === 'AVRO' ? { schema } : { schema, schemaType });
    this.byId.set(id, { id, schemaType, schema });
    return id;
  }

  /** The latest version registered under `subject`. */
  async latest(subject: string): Promise<RegisteredSchema> {
    const v = await this.request<{ id: number; schema: string; schemaType?: RegistrySchemaType }>('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    const s = { id: v.id, schema: v.schema, schemaType: v.schemaType ?? 'AVRO' };
    this.byId.set(s.id, s);
    return s;
  }

  /** Every version of `subject` (so serdes know older writers' schemas up front); empty when none. */
  async allVersions(subject: string): Promise<RegisteredSchema[]> {
    let versions: number[];
    try {
      versions = await this.request<number[]>('GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    } catch (e) {
      if (e instanceof SchemaRegistryError && e.status === 404) return [];
      throw e;
    }
    const out: RegisteredSchema[] = [];
    for (const v of versions) {
      const got = await this.request<{ id: number; schema: string; schemaType?: RegistrySchemaType }>('GET', `/subjects/${encodeURIComponent(subject)}/versions/${v}`);
      const s = { id: got.id, schema: got.schema, schemaType: got.schemaType ?? 'AVRO' };
      this.byId.set(s.id, s);
      out.push(s);
    }
    return out;
  }

  async byIdAsync(id: number): Promise<RegisteredSchema> {
    const known = this.byId.get(id);
    if (known) return known;
    const got = await this.request<{ schema: string; schemaType?: RegistrySchemaType }>('GET', `/schemas/ids/${id}`);
    const s = { id, schema: got.schema, schemaType: got.schemaType ?? 'AVRO' };
    this.byId.set(id, s);
    return s;
  }

  /** The schema of `id`, from the cache or fetched synchronously (see the header comment). */
  byIdSync(id: number): RegisteredSchema {
    const known = this.byId.get(id);
    if (known) return known;
    const state = new SharedArrayBuffer(12);
    const body = new SharedArrayBuffer(MAX_SYNC_BODY);
    const flag = new Int32Array(state);
    const worker = new Worker(SYNC_WORKER, { eval: true, workerData: { url: this.url(`/schemas/ids/${id}`), headers: { accept: MEDIA, ...this.options.headers }, timeoutMs: this.timeoutMs, state, body } });
    try {
      if (Atomics.wait(flag, 0, 0, this.timeoutMs + 1000) === 'timed-out') throw new SchemaRegistryError(`fetching schema ${id} timed out`, 0, 50002);
    } finally {
      void worker.terminate();
    }
    const status = flag[1]!;
    const text = Buffer.from(new Uint8Array(body, 0, flag[2]!)).toString('utf8');
    if (status !== 200) throw new SchemaRegistryError(`fetching schema ${id} failed (${status}): ${text}`, status, status === 404 ? 40403 : status);
    const got = JSON.parse(text) as { schema: string; schemaType?: RegistrySchemaType };
    const s = { id, schema: got.schema, schemaType: got.schemaType ?? 'AVRO' };
    this.byId.set(id, s);
    return s;
  }
}
